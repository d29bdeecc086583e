import { BadRequestException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { topicAllows, type TopicChoice } from '@boomerang/engine/core/topics';
import type { PreferencesView, TopicView } from '@boomerang/engine/core/views/topics';
import type { Pool } from 'pg';
import { recordTopicsLeft, type TopicLeft } from '@boomerang/engine/runtime';
import { NOW, NowSource } from '../common/clock';
import { ENGINE_DB } from '../engine/engine.tokens';
import type { UpdatePreferencesBody, UpsertTopicBody } from './topics.dto';
import { TopicRow, TopicsRepository } from './topics.repository';

/** The channels a contact chooses topics on (webhooks are system calls). */
export const PREFERENCE_CHANNELS = ['email', 'push', 'sms'] as const;

export function topicView(row: TopicRow): TopicView {
  return {
    key: row.key,
    name: row.name,
    description: row.description,
    defaultSubscribed: row.default_subscribed,
    left: row.left,
    joined: row.joined,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** Workspace topics and each contact's choices: the API routes and the preference page share this. */
@Injectable()
export class TopicsService {
  constructor(
    private readonly topics: TopicsRepository,
    @Inject(NOW) private readonly clock: NowSource,
    @Inject(ENGINE_DB) private readonly engineDb: Pool,
  ) {}

  async list(): Promise<{ items: TopicView[] }> {
    return { items: (await this.topics.list()).map(topicView) };
  }

  async upsert(key: string, body: UpsertTopicBody): Promise<TopicView> {
    return topicView(await this.topics.upsert(key, body.name, body.description ?? '', body.defaultSubscribed, await this.clock.now()));
  }

  async preferencesOf(externalId: string): Promise<PreferencesView> {
    const id = await this.topics.contactId(externalId);
    if (!id) throw new NotFoundException(`contact "${externalId.slice(0, 200)}" not found`);
    return this.view(id, externalId);
  }

  async updatePreferences(externalId: string, body: UpdatePreferencesBody): Promise<PreferencesView> {
    const id = await this.topics.contactId(externalId);
    if (!id) throw new NotFoundException(`contact "${externalId.slice(0, 200)}" not found`);
    const known = new Set((await this.topics.list()).map((t) => t.key));
    const unknown = Object.keys(body.topics).filter((k) => !known.has(k));
    if (unknown.length)
      throw new BadRequestException(`topics: unknown topic ${unknown.map((k) => `"${k}"`).join(', ')} (PUT /api/topics/:key first)`);
    await this.topics.setChoices(id, choicesOf(body.topics), await this.clock.now());
    return this.view(id, externalId);
  }

  /** The contact's effective subscriptions, topic by topic and channel by channel. */
  async view(contactId: string, externalId: string): Promise<PreferencesView> {
    const [topics, choices] = await Promise.all([this.topics.list(), this.topics.choices(contactId)]);
    const defaults = Object.fromEntries(topics.map((t) => [t.key, t.default_subscribed]));
    return {
      externalId,
      topics: topics.map((t) => ({
        key: t.key,
        name: t.name,
        description: t.description,
        defaultSubscribed: t.default_subscribed,
        channels: {
          email: topicAllows(t.key, 'email', { defaults, choices }),
          push: topicAllows(t.key, 'push', { defaults, choices }),
          sms: topicAllows(t.key, 'sms', { defaults, choices }),
        },
      })),
    };
  }

  async setChoices(contactId: string, choices: TopicChoice[]): Promise<void> {
    await this.topics.setChoices(contactId, choices, await this.clock.now());
  }

  async leaveEverything(contactId: string): Promise<void> {
    await this.topics.leaveEverything(contactId, await this.clock.now());
  }

  /** The topics left from a message's preference link, on its journey's log (a flow's per-topic unsubscribes). */
  async recordLeft(messageId: string, left: TopicLeft[], via: 'preference_page' | 'leave_everything'): Promise<void> {
    await recordTopicsLeft(this.engineDb, messageId, await this.clock.now(), left, via);
  }
}

/** `{offers: false, news: {email: true}}` as stored choices (`*` for a whole topic). */
export function choicesOf(topics: UpdatePreferencesBody['topics']): TopicChoice[] {
  return Object.entries(topics).flatMap(([topic, choice]): TopicChoice[] =>
    typeof choice === 'boolean'
      ? PREFERENCE_CHANNELS.map((channel) => ({ topic, channel, subscribed: choice }))
      : Object.entries(choice)
          .filter(([, v]) => v !== undefined)
          .map(([channel, subscribed]) => ({ topic, channel: channel as TopicChoice['channel'], subscribed: subscribed! })),
  );
}
