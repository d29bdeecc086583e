import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 24, "at the contact's usual active hour": per time zone, activity per local hour over a bounded recent
 * sample of events (the newest 100,000 activity events, read backwards along the primary key), refreshed by the
 * engine at most daily of engine time. The fallback for contacts with too little history of their own; the
 * contact's own hours are an aggregate over its own 8 weeks, read when its journey reaches a best-hour delay.
 */
export class ZoneActiveHours1796790000001 implements MigrationInterface {
  name = 'ZoneActiveHours1796790000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE zone_active_hours (
        timezone text PRIMARY KEY,
        counts integer[] NOT NULL CHECK (array_length(counts, 1) = 24),
        refreshed_at timestamptz NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE zone_active_hours`);
  }
}
