import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Segment's HTTP Tracking API (issue 22): a message's `messageId` is kept with the event it became, unique, so a
 * retried call or batch stores each event once, however long after (Segment promises at least 24 hours). Native
 * events carry none: the index is partial and costs them nothing.
 */
export class SegmentTracking1796851000000 implements MigrationInterface {
  name = 'SegmentTracking1796851000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE events ADD COLUMN message_id text CHECK (length(message_id) BETWEEN 1 AND 200)`);
    await q.query(`CREATE UNIQUE INDEX events_message_id_key ON events (message_id) WHERE message_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX events_message_id_key`);
    await q.query(`ALTER TABLE events DROP COLUMN message_id`);
  }
}
