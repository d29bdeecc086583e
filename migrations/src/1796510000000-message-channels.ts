import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Channels that reach people (issue 10): SMS segments billed per message; escalation hops (`escalation` says which
 * message a hop follows and on what condition it goes); provider receipts find their message by provider id.
 */
export class MessageChannels1796510000000 implements MigrationInterface {
  name = 'MessageChannels1796510000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE messages ADD COLUMN segments integer CHECK (segments >= 0)`);
    await q.query(`ALTER TABLE messages ADD COLUMN escalation jsonb`);
    await q.query(`CREATE INDEX messages_provider_idx ON messages (provider_id) WHERE provider_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX messages_provider_idx`);
    await q.query(`ALTER TABLE messages DROP COLUMN escalation`);
    await q.query(`ALTER TABLE messages DROP COLUMN segments`);
  }
}
