/**
 * Flows as the runtime reads them: the active ones with their enrollment bookkeeping (the one active-flows query),
 * their frozen versions' graphs, and the enrollment lock and marks.
 */
import type { FlowGraphDocument } from '../../core/schema';
import type { Db, Tx } from '../db';

export interface ActiveFlowRow {
  id: string;
  name: string;
  live_version: number;
  holdout_percent: number | null;
  /** the flow's stored quiet-hours choice (`settings.quietHours`: read with `flowQuietHoursOf`), null when unset */
  quiet_hours: unknown;
  activated_at: Date | null;
  last_enrolled_at: Date | null;
  last_swept_at: Date | null;
  last_swept_version: number | null;
  /** provider receipts wait for their message (listActiveFlows only): the tick ends with their sweep */
  receipts_pending?: boolean;
}

/** What "active" means for the runtime, in SQL: the one definition every statement that filters on it uses. */
export function activeFlowSql(alias: string): string {
  return `${alias}.status = 'active' AND ${alias}.live_version IS NOT NULL`;
}

const activeFlowColumns = `id, name, live_version, (settings ->> 'holdoutPercent')::int AS holdout_percent,
  settings -> 'quietHours' AS quiet_hours, activated_at, last_enrolled_at, last_swept_at, last_swept_version`;

/**
 * Active flows with a live version, and whether receipts wait in `pending_receipts` (a one-row probe riding along,
 * so a quiet tick spends no statement of its own on the sweep). The one statement of an idle tick.
 */
export async function listActiveFlows(db: Pick<Db, 'query'>): Promise<ActiveFlowRow[]> {
  const flows = await db.query<ActiveFlowRow>(
    `SELECT ${activeFlowColumns}, EXISTS (SELECT 1 FROM pending_receipts) AS receipts_pending
       FROM flows f WHERE ${activeFlowSql('f')} ORDER BY id`,
  );
  return flows.rows;
}

/** The graphs of the given (flow, version) pairs. */
export async function loadFlowVersions(
  db: Pick<Db, 'query'>,
  pairs: { flowId: string; version: number }[],
): Promise<{ flow_id: string; version: number; graph: FlowGraphDocument }[]> {
  const result = await db.query<{ flow_id: string; version: number; graph: FlowGraphDocument }>(
    `SELECT v.flow_id, v.version, v.graph FROM flow_versions v
       JOIN unnest($1::uuid[], $2::int[]) AS w(flow_id, version) ON w.flow_id = v.flow_id AND w.version = v.version`,
    [pairs.map((p) => p.flowId), pairs.map((p) => p.version)],
  );
  return result.rows;
}

/**
 * Takes the flow's enrollment lock (transaction-scoped; another engine holding it makes this one skip the flow) and
 * re-reads the flow under it: null when it was paused, changed version or is being enrolled elsewhere.
 */
export async function lockFlowForEnrollment(tx: Tx, flow: Pick<ActiveFlowRow, 'id' | 'live_version'>): Promise<ActiveFlowRow | null> {
  const lock = await tx.query<{ ok: boolean }>(`SELECT pg_try_advisory_xact_lock(hashtext('enroll:' || $1)) AS ok`, [flow.id]);
  if (!lock.rows[0].ok) return null;
  const still = await tx.query<ActiveFlowRow>(
    `SELECT ${activeFlowColumns} FROM flows f WHERE id = $1 AND ${activeFlowSql('f')} AND live_version = $2`,
    [flow.id, flow.live_version],
  );
  return still.rows[0] ?? null;
}

/** Records an enrollment at `now` (never moving back), and a full sweep of the live version when `swept`. */
export async function markEnrolled(tx: Tx, flowId: string, now: Date, swept: boolean): Promise<void> {
  await tx.query(
    `UPDATE flows SET last_enrolled_at = GREATEST(COALESCE(last_enrolled_at, $2), $2),
            last_swept_at = CASE WHEN $3 THEN $2 ELSE last_swept_at END,
            last_swept_version = CASE WHEN $3 THEN live_version ELSE last_swept_version END
      WHERE id = $1`,
    [flowId, now, swept],
  );
}

/** The earliest due journey or queued message of an active flow (the virtual clock's next wake point), or null. */
export async function nextDueWork(db: Pick<Db, 'query'>): Promise<Date | null> {
  const due = await db.query<{ at: Date | null }>(
    `SELECT least(
       (SELECT min(j.next_run_at) FROM journeys j JOIN flows f ON f.id = j.flow_id AND ${activeFlowSql('f')} WHERE j.state = 'waiting'),
       (SELECT min(m.next_attempt_at) FROM messages m JOIN flows f ON f.id = m.flow_id AND ${activeFlowSql('f')} WHERE m.status = 'queued')
     ) AS at`,
  );
  return due.rows[0].at;
}
