import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Subscription topics (issue 22): the workspace's topics (offers, product news, check-ins…), each opt-out
 * (`default_subscribed`) or opt-in; a contact's choices per topic and channel (`*`: every channel); the topic a
 * message was queued on, checked again when it is sent.
 */
export class Topics1796853000000 implements MigrationInterface {
  name = 'Topics1796853000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE topics (
        key text PRIMARY KEY CHECK (key ~ '^[a-z0-9][a-z0-9_-]{0,49}$'),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
        description text NOT NULL DEFAULT '' CHECK (length(description) <= 500),
        default_subscribed boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE contact_topics (
        contact_id bigint NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
        topic text NOT NULL REFERENCES topics(key) ON DELETE CASCADE,
        channel text NOT NULL CHECK (length(channel) BETWEEN 1 AND 10),
        subscribed boolean NOT NULL,
        updated_at timestamptz NOT NULL,
        PRIMARY KEY (contact_id, topic, channel)
      )`);
    await q.query(`ALTER TABLE messages ADD COLUMN topic text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE messages DROP COLUMN topic`);
    await q.query(`DROP TABLE contact_topics`);
    await q.query(`DROP TABLE topics`);
  }
}
