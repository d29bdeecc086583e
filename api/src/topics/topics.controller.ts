import { Body, Controller, Get, NotFoundException, Param, Post, Put, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { TopicChoice } from '@boomerang/engine/core/topics';
import type { TopicLeft } from '@boomerang/engine/runtime';
import { Access } from '../auth/access.decorator';
import { Public } from '../auth/public.decorator';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import { linkPageHeaders, SubscriptionLinks } from '../tracking/subscription-links';
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

/**
 * The preference page `{{links.preferences}}` leads to: `/t/p/:token`, without credentials — the token is signed
 * (`tracking/subscription-links.ts`: 403 when forged, 410 when expired, nothing read or changed) and opens only the
 * preferences of the contact its message went to. GET shows the page (changing nothing: mail scanners follow links);
 * its form POSTs the boxes, or Leave everything.
 */
@Public()
@Controller('t')
export class PreferencesPageController {
  constructor(
    private readonly topics: TopicsService,
    private readonly repository: TopicsRepository,
    private readonly links: SubscriptionLinks,
  ) {}

  @Get('p/:token')
  async page(@Param('token') token: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const opened = await this.contactOf(token, req, res);
    if (!opened) return;
    const { contact } = opened;
    const view = await this.topics.view(contact.id, contact.external_id);
    res
      .status(200)
      .set(linkPageHeaders)
      .send(preferencesPage(contact.locale, view, `/t/p/${token}`));
  }

  @Post('p/:token')
  async save(
    @Param('token') token: string,
    @Body() body: Record<string, unknown> | undefined,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const opened = await this.contactOf(token, req, res);
    if (!opened) return;
    const { contact, messageId } = opened;
    const leave = body?.action === 'leave';
    const shown = await this.topics.view(contact.id, contact.external_id);
    if (leave) {
      await this.topics.leaveEverything(contact.id);
      const left = shown.topics
        .filter((t) => PREFERENCE_CHANNELS.some((c) => t.channels[c]))
        .map((t) => ({ topic: t.key, channels: ['*'] }));
      await this.topics.recordLeft(messageId, left, 'leave_everything');
    } else {
      // an unticked box is absent from the form: every box that differs from what the page showed is a choice
      const choices: TopicChoice[] = shown.topics.flatMap((t) =>
        PREFERENCE_CHANNELS.map((channel) => ({ topic: t.key, channel, subscribed: body?.[`${t.key}:${channel}`] === 'on' })).filter(
          (c) => c.subscribed !== t.channels[c.channel as (typeof PREFERENCE_CHANNELS)[number]],
        ),
      );
      await this.topics.setChoices(contact.id, choices);
      await this.topics.recordLeft(messageId, leftTopics(choices), 'preference_page');
    }
    const view = await this.topics.view(contact.id, contact.external_id);
    res
      .status(200)
      .set(linkPageHeaders)
      .send(preferencesPage(contact.locale, view, `/t/p/${token}`, leave ? 'left' : 'saved'));
  }

  /** The contact of a valid token's message; null when the refusal page was sent. */
  private async contactOf(token: string, req: Request, res: Response) {
    const messageId = await this.links.open(token, req, res);
    if (!messageId) return null;
    const contact = await this.repository.contactOfMessage(messageId);
    if (!contact) throw new NotFoundException('unknown message');
    return { contact, messageId };
  }
}

/** The unticked boxes grouped by topic: what the contact left. */
function leftTopics(choices: TopicChoice[]): TopicLeft[] {
  const byTopic = new Map<string, string[]>();
  for (const c of choices) if (!c.subscribed) byTopic.set(c.topic, [...(byTopic.get(c.topic) ?? []), c.channel]);
  return [...byTopic].map(([topic, channels]) => ({ topic, channels }));
}
