import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 23, leaner writes: a node visit no longer writes a `node` row of its own. The first row the visit writes
 * (entered, decision, message, wait, guardrail, …) carries the journey's step number in `step`; only a visit that
 * writes nothing else keeps a `node` row. "How many journeys reached this step" counts rows with a step.
 * Older `node` rows get their step from their detail, so visits counted before and after read the same way.
 */
export class JourneyLogStep1796900000000 implements MigrationInterface {
  name = 'JourneyLogStep1796900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE journey_log ADD COLUMN step integer`);
    // the log is append-only for everyone else; numbering old visits is the one rewrite, inside this migration
    await q.query(`ALTER TABLE journey_log DISABLE TRIGGER journey_log_no_update`);
    await q.query(`UPDATE journey_log SET step = (detail->>'step')::int WHERE kind = 'node' AND detail ? 'step'`);
    // node rows written before the step counter existed have none: still visits, numbered in log order
    await q.query(`
      UPDATE journey_log l SET step = n.step
        FROM (SELECT id, row_number() OVER (PARTITION BY journey_id ORDER BY id)::int AS step
                FROM journey_log WHERE kind = 'node') n
       WHERE l.id = n.id AND l.step IS NULL`);
    await q.query(`ALTER TABLE journey_log ENABLE TRIGGER journey_log_no_update`);
    // a visit is what a node row is for: one without its step could never be counted
    await q.query(`ALTER TABLE journey_log ADD CONSTRAINT journey_log_node_has_step CHECK (kind <> 'node' OR step IS NOT NULL)`);
  }

  async down(q: QueryRunner): Promise<void> {
    // a folded visit becomes a node row again before the column goes, so the old counting stays right
    await q.query(`
      INSERT INTO journey_log (journey_id, contact_id, at, node_id, kind, detail, step)
      SELECT journey_id, contact_id, at, node_id, 'node', jsonb_build_object('step', step), step
        FROM journey_log WHERE step IS NOT NULL AND kind <> 'node' ORDER BY id`);
    await q.query(`ALTER TABLE journey_log DROP CONSTRAINT journey_log_node_has_step`);
    await q.query(`ALTER TABLE journey_log DROP COLUMN step`);
  }
}
