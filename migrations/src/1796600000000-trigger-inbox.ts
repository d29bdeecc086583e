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
  }

  async down(q: QueryRunner): Promise<void> {
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
