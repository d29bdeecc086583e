import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { TopicChoice } from '@boomerang/engine/core/topics';

export interface TopicRow {
  key: string;
  name: string;
  description: string;
  default_subscribed: boolean;
  /** contacts with a choice against / for the topic on some channel */
  left: number;
  joined: number;
  created_at: Date;
  updated_at: Date;
}

/** The workspace's topics and the contacts' choices (`topics`, `contact_topics`). */
@Injectable()
export class TopicsRepository {
  constructor(private readonly dataSource: DataSource) {}

  list(): Promise<TopicRow[]> {
    return this.dataSource.query(
      `SELECT t.*,
              (SELECT count(DISTINCT c.contact_id)::int FROM contact_topics c WHERE c.topic = t.key AND NOT c.subscribed) AS left,
              (SELECT count(DISTINCT c.contact_id)::int FROM contact_topics c WHERE c.topic = t.key AND c.subscribed) AS joined
         FROM topics t ORDER BY t.name, t.key`,
    );
  }

  async upsert(key: string, name: string, description: string, defaultSubscribed: boolean, now: Date): Promise<TopicRow> {
    const rows: TopicRow[] = await this.dataSource.query(
      `INSERT INTO topics (key, name, description, default_subscribed, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)
       ON CONFLICT (key) DO UPDATE SET name = EXCLUDED.name, description = EXCLUDED.description,
         default_subscribed = EXCLUDED.default_subscribed, updated_at = EXCLUDED.updated_at
       RETURNING *, (SELECT count(DISTINCT c.contact_id)::int FROM contact_topics c WHERE c.topic = key AND NOT c.subscribed) AS left,
                 (SELECT count(DISTINCT c.contact_id)::int FROM contact_topics c WHERE c.topic = key AND c.subscribed) AS joined`,
      [key, name, description, defaultSubscribed, now],
    );
    return rows[0];
  }

  async contactId(externalId: string): Promise<string | null> {
    const rows: { id: string }[] = await this.dataSource.query(`SELECT id::text FROM contacts WHERE external_id = $1`, [externalId]);
    return rows[0]?.id ?? null;
  }

  /** The contact a message went to, with its locale (the preference page's signed token names the message). */
  async contactOfMessage(messageId: string): Promise<{ id: string; external_id: string; locale: string | null } | null> {
    const rows: { id: string; external_id: string; locale: string | null }[] = await this.dataSource.query(
      `SELECT c.id::text, c.external_id, c.attributes->>'locale' AS locale FROM messages m JOIN contacts c ON c.id = m.contact_id WHERE m.id = $1`,
      [messageId],
    );
    return rows[0] ?? null;
  }

  async choices(contactId: string): Promise<TopicChoice[]> {
    return this.dataSource.query(`SELECT topic, channel, subscribed FROM contact_topics WHERE contact_id = $1`, [contactId]);
  }

  /** Sets the choices given (one statement); topics that do not exist are refused by the foreign key, so check first. */
  async setChoices(contactId: string, choices: TopicChoice[], now: Date): Promise<void> {
    if (!choices.length) return;
    await this.dataSource.query(
      `INSERT INTO contact_topics (contact_id, topic, channel, subscribed, updated_at)
       SELECT $1, x.topic, x.channel, x.subscribed, $3 FROM jsonb_to_recordset($2::jsonb) AS x(topic text, channel text, subscribed boolean)
       ON CONFLICT (contact_id, topic, channel) DO UPDATE SET subscribed = EXCLUDED.subscribed, updated_at = EXCLUDED.updated_at`,
      [contactId, JSON.stringify(choices), now],
    );
  }

  /** "Leave everything": every topic on every channel, and the channels' consent (as an unsubscribe link does). */
  async leaveEverything(contactId: string, now: Date): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      await m.query(`DELETE FROM contact_topics WHERE contact_id = $1`, [contactId]);
      await m.query(
        `INSERT INTO contact_topics (contact_id, topic, channel, subscribed, updated_at) SELECT $1, key, '*', false, $2 FROM topics`,
        [contactId, now],
      );
      await m.query(
        `UPDATE contacts SET consent = consent || '{"email":false,"push":false,"sms":false}'::jsonb, updated_at = $2 WHERE id = $1`,
        [contactId, now],
      );
    });
  }
}
