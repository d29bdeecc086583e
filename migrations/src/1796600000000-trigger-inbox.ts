import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Enrollment driven by what was received and committed (issue #8).
 *
 * `trigger_inbox`: one row per (event-triggered active flow, received event), written in the ingest transaction
 * itself and drained by enrollment with the enrollment's INSERT in one transaction. A watermark over `occurred_at`
 * lost events three ways (the virtual clock's equal instants, transactions committing behind a later tick's read,
 * late events); a row that is only visible once committed and deleted only by the transaction that enrolls from it
 * cannot be skipped or used twice. A commit-ordered cursor (xid8 snapshots) was the alternative; it needs a
 * long-transaction-proof xmin bookkeeping and still re-reads rows, while the inbox is plain SKIP LOCKED.
 *
 * Incremental inactivity enrollment: the contacts that crossed a flow's threshold since its last enrollment are an
 * index range on last_active_at (or created_at for never-active contacts); ended journeys whose re-entry cooldown
 * ran out since then, and contacts changed since then, are the other candidates. `last_swept_at` records the last
 * full sweep (a safety net for time-varying audiences and late commits, hourly by engine clock).
 */
export class TriggerInbox1796600000000 implements MigrationInterface {
  name = 'TriggerInbox1796600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE trigger_inbox (
        id bigserial PRIMARY KEY,
        flow_id uuid NOT NULL REFERENCES flows(id) ON DELETE CASCADE,
        contact_id bigint NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
        event_id bigint NOT NULL,
        event_name text NOT NULL,
        occurred_at timestamptz NOT NULL,
        received_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX trigger_inbox_flow_idx ON trigger_inbox (flow_id, id)`);
    // the event triggers of live versions of active flows, read by every ingest statement (a handful of rows)
    await q.query(`
      CREATE VIEW active_event_triggers AS
      SELECT f.id AS flow_id, n -> 'data' ->> 'event' AS event_name
        FROM flows f
        JOIN flow_versions v ON v.flow_id = f.id AND v.version = f.live_version
        CROSS JOIN LATERAL jsonb_array_elements(v.graph -> 'nodes') AS n
       WHERE f.status = 'active' AND n ->> 'type' = 'trigger' AND n -> 'data' ->> 'kind' = 'event'`);
    await q.query(`ALTER TABLE flows ADD COLUMN last_swept_at timestamptz, ADD COLUMN last_swept_version integer`);
    await q.query(`CREATE INDEX contacts_never_active_created_idx ON contacts (created_at) WHERE last_active_at IS NULL`);
    await q.query(`CREATE INDEX contacts_updated_idx ON contacts (updated_at)`);
    await q.query(`CREATE INDEX journeys_flow_ended_idx ON journeys (flow_id, ended_at) WHERE ended_at IS NOT NULL`);
    // times the engine reasons about come from its clock, which the writers pass; no wall-clock defaults remain
    await q.query(`ALTER TABLE contacts ALTER COLUMN created_at DROP DEFAULT, ALTER COLUMN updated_at DROP DEFAULT`);
    await q.query(`ALTER TABLE events ALTER COLUMN received_at DROP DEFAULT`);

    // Rule windows in the contact's zone, exactly as the core's luxon arithmetic (durations.ts subtractDuration):
    // the calendar part (months, days) moves the local wall time, the local time is resolved to an instant the way
    // luxon's fixOffset does (guess with the starting offset, then with the guessed instant's own offset; in a DST
    // gap, the later instant), then the time part is added exactly. PostgreSQL's own `timestamp AT TIME ZONE`
    // resolves ambiguous times differently (always standard time), so it is not used for the resolution.
    await q.query(`
      CREATE FUNCTION boomerang_zone_offset(at timestamptz, zone text) RETURNS interval
      LANGUAGE sql STABLE PARALLEL SAFE AS $$ SELECT (at AT TIME ZONE zone) - (at AT TIME ZONE 'UTC') $$`);
    await q.query(`
      CREATE FUNCTION boomerang_resolve_local(local_as_utc timestamptz, o1 interval, o2 interval, zone text) RETURNS timestamptz
      LANGUAGE sql STABLE PARALLEL SAFE AS $$
        SELECT CASE
          WHEN o2 = o1 THEN local_as_utc - o1
          WHEN boomerang_zone_offset(local_as_utc - o2, zone) = o2 THEN local_as_utc - o2
          ELSE local_as_utc - least(o2, boomerang_zone_offset(local_as_utc - o2, zone))
        END $$`);
    await q.query(`
      CREATE FUNCTION boomerang_local_shift(at timestamptz, zone text, months int, days int, ms bigint) RETURNS timestamptz
      LANGUAGE sql STABLE PARALLEL SAFE AS $$
        SELECT boomerang_resolve_local(
                 shifted,
                 boomerang_zone_offset(at, zone),
                 boomerang_zone_offset(shifted - boomerang_zone_offset(at, zone), zone),
                 zone) + ms * interval '1 millisecond'
          FROM (SELECT (((at AT TIME ZONE zone) + make_interval(months => months) + make_interval(days => days)) AT TIME ZONE 'UTC') AS shifted) s $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION boomerang_local_shift(timestamptz, text, int, int, bigint)`);
    await q.query(`DROP FUNCTION boomerang_resolve_local(timestamptz, interval, interval, text)`);
    await q.query(`DROP FUNCTION boomerang_zone_offset(timestamptz, text)`);
    await q.query(`ALTER TABLE events ALTER COLUMN received_at SET DEFAULT now()`);
    await q.query(`ALTER TABLE contacts ALTER COLUMN created_at SET DEFAULT now(), ALTER COLUMN updated_at SET DEFAULT now()`);
    await q.query(`DROP INDEX journeys_flow_ended_idx`);
    await q.query(`DROP INDEX contacts_updated_idx`);
    await q.query(`DROP INDEX contacts_never_active_created_idx`);
    await q.query(`ALTER TABLE flows DROP COLUMN last_swept_version, DROP COLUMN last_swept_at`);
    await q.query(`DROP VIEW active_event_triggers`);
    await q.query(`DROP TABLE trigger_inbox`);
  }
}
