/**
 * Enrollment: one INSERT … SELECT … ON CONFLICT DO NOTHING per active flow, never a loop over contacts. New journeys
 * wait at the trigger node, due now; their first advance logs the entry, decides the holdout and checks goals.
 * An advisory lock per flow keeps two engines from enrolling the same flow at once (the other one skips it).
 */
import { parseDuration } from '../core/durations';
import type { Reentry, TriggerData } from '../core/schema';
import type { EngineSettings } from '../core/types';
import { inTransaction, type Db } from './db';
import { ruleToSql, SqlParams, type RuleSqlContext } from './rule-sql';
import type { VersionInfo } from './graph-facts';

export interface ActiveFlowRow {
  id: string;
  live_version: number;
  activated_at: Date | null;
  last_enrolled_at: Date | null;
}

function ms(iso: string): number {
  return parseDuration(iso)?.as('milliseconds') ?? 0;
}

/** The enrollment statement for one flow version's trigger, or null when it has none. Exported for tests. */
export function enrollmentSql(
  flow: ActiveFlowRow,
  info: VersionInfo,
  now: Date,
  settings: EngineSettings,
): { sql: string; params: unknown[] } | null {
  const trigger = info.trigger;
  if (!trigger) return null;
  const data = trigger.data as TriggerData;
  const params = new SqlParams();
  const flowId = params.add(flow.id);
  const version = params.add(flow.live_version);
  const nodeId = params.add(trigger.id);
  const nowP = params.add(now);
  const ctx: RuleSqlContext = { params, contactId: 'c.id', timezone: 'c.timezone', now: nowP, activity: settings.activity };
  const where: string[] = ['c.created_at <= ' + nowP + '::timestamptz'];
  let from = 'contacts c';

  if (data.kind === 'inactive') {
    const cutoff = `${nowP}::timestamptz - ${params.add(data.days)}::int * interval '1 day'`;
    where.push(`(c.last_active_at < ${cutoff} OR (c.last_active_at IS NULL AND c.created_at < ${cutoff}))`);
  } else if (data.kind === 'event') {
    const watermark = params.add(flow.last_enrolled_at ?? flow.activated_at ?? now);
    const filter = data.where ? ` AND ${ruleToSql(data.where, 'e.properties', ctx)}` : '';
    from = `(SELECT DISTINCT e.contact_id FROM events e
        WHERE e.name = ${params.add(data.event)} AND e.occurred_at > ${watermark}::timestamptz
          AND e.occurred_at <= ${nowP}::timestamptz${filter}) hit JOIN contacts c ON c.id = hit.contact_id`;
  } else {
    where.push(ruleToSql(data.rule, 'c.attributes', ctx));
  }
  if (data.audience) where.push(ruleToSql(data.audience, 'c.attributes', ctx));
  where.push(reentrySql(data.reentry ?? 'never', flowId, nowP, params));

  const sql = `
    INSERT INTO journeys (flow_id, flow_version, contact_id, state, current_node_id, next_run_at, entered_at, step_seq, holdout, context)
    SELECT ${flowId}::uuid, ${version}::int, c.id, 'waiting', ${nodeId}::text, ${nowP}::timestamptz, ${nowP}::timestamptz, 0, false, '{}'::jsonb
    FROM ${from}
    WHERE ${where.join('\n      AND ')}
    ON CONFLICT (flow_id, contact_id) WHERE state IN ('waiting', 'running') DO NOTHING`;
  return { sql, params: params.values };
}

/** `never`: no earlier journey in this flow at all; `{cooldown}`: none live and none ended within the cooldown. */
function reentrySql(reentry: Reentry, flowId: string, nowP: string, params: SqlParams): string {
  if (reentry === 'never') {
    return `NOT EXISTS (SELECT 1 FROM journeys pj WHERE pj.flow_id = ${flowId}::uuid AND pj.contact_id = c.id)`;
  }
  const cooldown = params.add(ms(reentry.cooldown));
  return `NOT EXISTS (SELECT 1 FROM journeys pj WHERE pj.flow_id = ${flowId}::uuid AND pj.contact_id = c.id
      AND (pj.ended_at IS NULL OR pj.ended_at > ${nowP}::timestamptz - ${cooldown}::bigint * interval '1 millisecond'))`;
}

/** Enrolls every contact newly matching one flow's trigger; returns how many journeys were created. */
export async function enrollFlow(
  db: Db,
  flow: ActiveFlowRow,
  info: VersionInfo,
  now: Date,
  settings: EngineSettings,
): Promise<number> {
  const statement = enrollmentSql(flow, info, now, settings);
  if (!statement) return 0;
  return inTransaction(db, async (tx) => {
    const lock = await tx.query<{ ok: boolean }>(`SELECT pg_try_advisory_xact_lock(hashtext('enroll:' || $1)) AS ok`, [flow.id]);
    if (!lock.rows[0].ok) return 0;
    // re-check under the lock: the flow may have been paused since we listed it
    const still = await tx.query(`SELECT 1 FROM flows WHERE id = $1 AND status = 'active' AND live_version = $2`, [flow.id, flow.live_version]);
    if (!still.rowCount) return 0;
    const inserted = await tx.query(statement.sql, statement.params);
    await tx.query(`UPDATE flows SET last_enrolled_at = GREATEST(COALESCE(last_enrolled_at, $2), $2) WHERE id = $1`, [flow.id, now]);
    return inserted.rowCount ?? 0;
  });
}
