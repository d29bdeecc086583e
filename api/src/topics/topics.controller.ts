import { Body, Controller, Get, NotFoundException, Param, Post, Put, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { TopicChoice } from '@boomerang/engine/core/topics';
import { Access } from '../auth/access.decorator';
import { Public } from '../auth/public.decorator';
import { isUuid } from '../common/ids';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import { preferencesPage } from './preferences-page';
import { topicKeyParam, updatePreferencesBody, UpdatePreferencesBody, upsertTopicBody, UpsertTopicBody } from './topics.dto';
import { TopicsRepository } from './topics.repository';
import { PREFERENCE_CHANNELS, TopicsService } from './topics.service';

/** The workspace's subscription topics and each contact's choices. */
@Controller()
export class TopicsController {
  constructor(private readonly topics: TopicsService) {}

  @Access('read')
  @Get('topics')
  list() {
    return this.topics.list();
  }

  @Put('topics/:key')
  upsert(
    @Param('key', new ZodValidationPipe(topicKeyParam)) key: string,
    @Body(new ZodValidationPipe(upsertTopicBody)) body: UpsertTopicBody,
  ) {
    return this.topics.upsert(key, body);
  }

  @Access('read')
  @Get('contacts/:externalId/preferences')
  preferences(@Param('externalId') externalId: string) {
    return this.topics.preferencesOf(externalId);
  }

  @Access('ingest')
  @Put('contacts/:externalId/preferences')
  updatePreferences(
    @Param('externalId') externalId: string,
    @Body(new ZodValidationPipe(updatePreferencesBody)) body: UpdatePreferencesBody,
  ) {
    return this.topics.updatePreferences(externalId, body);
  }
}

const htmlHeaders = {
  'Content-Type': 'text/html; charset=utf-8',
  'Cache-Control': 'no-store',
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
  'Referrer-Policy': 'no-referrer',
};

/**
 * The preference page `{{links.preferences}}` leads to: `/t/p/:messageId`, without credentials — like the other
 * tracking links, the message id (a UUID derived from a random journey id) is the capability, and it opens only the
 * preferences of the contact that message went to. GET shows the page (changing nothing: mail scanners follow links);
 * its form POSTs the boxes, or Leave everything.
 */
@Public()
@Controller('t')
export class PreferencesPageController {
  constructor(
    private readonly topics: TopicsService,
    private readonly repository: TopicsRepository,
  ) {}

  @Get('p/:id')
  async page(@Param('id') id: string, @Res() res: Response): Promise<void> {
    const contact = isUuid(id) ? await this.repository.contactOfMessage(id) : null;
    if (!contact) throw new NotFoundException('unknown message');
    const view = await this.topics.view(contact.id, contact.external_id);
    res
      .status(200)
      .set(htmlHeaders)
      .send(preferencesPage(contact.locale, view, `/t/p/${id}`));
  }

  @Post('p/:id')
  async save(@Param('id') id: string, @Body() body: Record<string, unknown> | undefined, @Res() res: Response): Promise<void> {
    const contact = isUuid(id) ? await this.repository.contactOfMessage(id) : null;
    if (!contact) throw new NotFoundException('unknown message');
    const leave = body?.action === 'leave';
    if (leave) await this.topics.leaveEverything(contact.id);
    else {
      // an unticked box is absent from the form: every box that differs from what the page showed is a choice
      const topics = await this.topics.view(contact.id, contact.external_id);
      const choices: TopicChoice[] = topics.topics.flatMap((t) =>
        PREFERENCE_CHANNELS.map((channel) => ({ topic: t.key, channel, subscribed: body?.[`${t.key}:${channel}`] === 'on' })).filter(
          (c) => c.subscribed !== t.channels[c.channel as (typeof PREFERENCE_CHANNELS)[number]],
        ),
      );
      await this.topics.setChoices(contact.id, choices);
    }
    const view = await this.topics.view(contact.id, contact.external_id);
    res
      .status(200)
      .set(htmlHeaders)
      .send(preferencesPage(contact.locale, view, `/t/p/${id}`, leave ? 'left' : 'saved'));
  }
}
