import { Body, Controller, HttpCode, Inject, NotFoundException, Post } from '@nestjs/common';
import type { Pool } from 'pg';
import { previewMessage, type Preview } from '@boomerang/engine';
import { loadEngineSettings } from '@boomerang/engine/runtime';
import { Access, Caller } from '../auth/access.decorator';
import { masksPersonalData, type Principal } from '../auth/principal';
import { maskDeep } from '../common/masking';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import { APP_CONFIG, type AppConfig } from '../config';
import { ENGINE_DB } from '../engine/engine.tokens';
import { previewBody, type PreviewBody, type TemplatePreview } from '@boomerang/engine/core/views/templates';

/** The contact a preview renders for when no externalId is given: every common attribute set. */
export const sampleContact = (locale?: string) => ({
  externalId: 'sample',
  timezone: 'UTC',
  attributes: {
    firstName: 'Alex',
    lastName: 'Doe',
    email: 'alex@example.com',
    phone: '+15550100',
    pushToken: 'sample-token',
    locale: locale ?? 'en',
    cart_items: 2,
  } as Record<string, unknown>,
});

/** `POST /api/templates/preview`: the copy as one contact would get it, with SMS segments, cost and missing variables. */
@Controller('templates')
export class TemplatesController {
  constructor(
    @Inject(ENGINE_DB) private readonly db: Pool,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Access('design')
  @Post('preview')
  @HttpCode(200)
  async preview(@Body(new ZodValidationPipe(previewBody)) body: PreviewBody, @Caller() caller: Principal): Promise<TemplatePreview> {
    let contact = sampleContact(body.locale);
    let sample = true;
    if (body.externalId !== undefined) {
      const found = await this.db.query<{ external_id: string; timezone: string | null; attributes: Record<string, unknown> }>(
        `SELECT external_id, timezone, attributes FROM contacts WHERE external_id = $1`,
        [body.externalId],
      );
      const row = found.rows[0];
      if (!row) throw new NotFoundException(`contact "${body.externalId.slice(0, 100)}" not found`);
      contact = { externalId: row.external_id, timezone: row.timezone ?? 'UTC', attributes: row.attributes ?? {} };
      sample = false;
    }
    const settings = await loadEngineSettings(this.db, this.config.PUBLIC_URL);
    const preview = previewMessage(
      { channel: body.channel, template: body.template, locales: body.locales, costCents: body.costCents },
      contact,
      settings,
      { flow: { id: 'preview', name: 'Preview' }, messageId: '00000000-0000-0000-0000-000000000000' },
    );
    const content = !sample && masksPersonalData(caller) ? (maskDeep(preview.content) as Preview['content']) : preview.content;
    return { contact: { externalId: contact.externalId, sample }, ...preview, content: { ...content } };
  }
}
