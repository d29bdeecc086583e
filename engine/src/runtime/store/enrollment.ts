/**
 * Enrollment: set-based INSERT … SELECT … ON CONFLICT DO NOTHING per active flow, never a loop over contacts. New
 * journeys wait at the trigger node, due now; their first advance logs the entry, decides the holdout and checks
 * goals. An advisory lock per flow keeps two engines from enrolling the same flow at once (the other one skips it).
 *
 * What each trigger kind reads, so that a quiet tick costs in proportion to what changed, not to the contacts:
 * - `event`: drains the flow's `trigger_inbox` (rows written in the ingest transaction, see ingest.ts). The drain
 *   and the journeys it creates commit together, so every event received while the flow was active enrols its
 *   contact once, whatever its `occurredAt` and however late its transaction committed.
 * - `inactive` and `segment`: a full sweep when the live version has not been swept yet (activation, a new
 *   version) and then hourly by engine clock (time-varying audiences, rules over non-activity events, late
 *   commits); in between, only the candidates since the previous enrollment (minus a minute of overlap for
 *   transactions that committed late): contacts that crossed the inactivity threshold (an index range on
 *   `last_active_at`, or `created_at` for never-active contacts), contacts changed or active since then, and
 *   contacts whose re-entry cooldown in this flow ran out since then.
 */
import { parseDuration } from '../../core/durations';
import type { Reentry, TriggerData } from '../../core/schema';
import type { EngineSettings } from '../../core/types';
import { inTransaction, type Db, type Tx } from '../db';
import { claimByBucket, contactBucketSql, type BucketCandidate } from './buckets';
import { lockFlowForEnrollment, markEnrolled, type ActiveFlowRow } from './flows';
import { ruleToSql, SqlParams, type RuleSqlContext } from '../rule-sql';
import type { VersionInfo } from '../graph-facts';

export interface EnrollResult {
  enrolled: number;
  /** event triggers: inbox rows consumed */
  drained: number;
  /** event triggers: events ignored for being older than the trigger's `maxAge` when received */
  tooOld: number;
  /** event triggers: inbox rows for an event the live version no longer listens for (it changed while queued) */
  stale: number;
  /** inactive/segment triggers: this enrollment scanned every contact */
  swept: boolean;
}

/** hourly by engine clock, a full sweep catches what the incremental candidates cannot see */
export const SWEEP_EVERY_MS = 3_600_000;
/** incremental windows start this much before the previous enrollment: transactions that committed late */
export const ENROLL_OVERLAP_MS = 60_000;
/** inbox rows per drain transaction */
export const DRAIN_CHUNK = 5_000;

function ms(iso: string): number {
  return parseDuration(iso)?.as('milliseconds') ?? 0;
}

const emptyResult = (): EnrollResult => ({ enrolled: 0, drained: 0, tooOld: 0, stale: 0, swept: false });

interface Statement {
  sql: string;
  params: unknown[];
}

/** `distinct`: the source may name a contact more than once (an inbox with several of its events) */
function journeyInsert(flowId: string, version: string, nodeId: string, nowP: string, distinct = false): string {
  return `INSERT INTO journeys (flow_id, flow_version, contact_id, state, current_node_id, next_run_at, entered_at, step_seq, holdout, context)
    SELECT ${distinct ? 'DISTINCT ON (c.id) ' : ''}${flowId}::uuid, ${version}::int, c.id, 'waiting', ${nodeId}::text, ${nowP}::timestamptz, ${nowP}::timestamptz, 0, false, '{}'::jsonb`;
}

const liveConflict = `ON CONFLICT (flow_id, contact_id) WHERE state IN ('waiting', 'running') DO NOTHING`;

interface MatchingQuery {
  flowId: string;
  nowP: string;
  source: string;
  where: string[];
  params: SqlParams;
}

/** The contacts an `inactive` or `segment` trigger takes now: every contact (`from` null) or the candidates since `from`. */
function matchingQuery(
  flow: Pick<ActiveFlowRow, 'id' | 'live_version'>,
  info: VersionInfo,
  now: Date,
  settings: EngineSettings,
  from: Date | null,
): MatchingQuery | null {
  const trigger = info.trigger;
  if (!trigger) return null;
  const data = trigger.data as TriggerData;
  if (data.kind === 'event') return null;
  const params = new SqlParams();
  const flowId = params.add(flow.id);
  const nowP = params.add(now);
  const ctx: RuleSqlContext = { params, contactId: 'c.id', timezone: 'c.timezone', now: nowP, activity: settings.activity };
  const where: string[] = [`c.created_at <= ${nowP}::timestamptz`];
  const reentry = data.reentry ?? 'never';
  let cutoff = '';
  if (data.kind === 'inactive') {
    cutoff = `(${nowP}::timestamptz - ${params.add(data.days)}::int * interval '1 day')`;
    where.push(`(c.last_active_at < ${cutoff} OR (c.last_active_at IS NULL AND c.created_at < ${cutoff}))`);
  } else {
    where.push(ruleToSql(data.rule, 'c.attributes', ctx));
  }
  if (data.audience) where.push(ruleToSql(data.audience, 'c.attributes', ctx));
  where.push(reentrySql(reentry, flowId, nowP, params));

  let source = 'contacts c';
  if (from) {
    const fromP = params.add(from);
    const candidates = [
      `SELECT id FROM contacts WHERE updated_at >= ${fromP}::timestamptz`,
      `SELECT id FROM contacts WHERE last_active_at >= ${fromP}::timestamptz`,
    ];
    if (data.kind === 'inactive') {
      const lower = `(${fromP}::timestamptz - ${params.add(data.days)}::int * interval '1 day')`;
      candidates.push(
        `SELECT id FROM contacts WHERE last_active_at >= ${lower} AND last_active_at < ${cutoff}`,
        `SELECT id FROM contacts WHERE last_active_at IS NULL AND created_at >= ${lower} AND created_at < ${cutoff}`,
      );
    }
    if (reentry !== 'never') {
      const cooldown = `${params.add(ms(reentry.cooldown))}::bigint * interval '1 millisecond'`;
      candidates.push(
        `SELECT contact_id FROM journeys WHERE flow_id = ${flowId}::uuid AND ended_at IS NOT NULL
            AND ended_at >= ${fromP}::timestamptz - ${cooldown} AND ended_at <= ${nowP}::timestamptz - ${cooldown}`,
      );
    }
    source = `(${candidates.join('\n      UNION ')}) k JOIN contacts c ON c.id = k.id`;
  }
  return { flowId, nowP, source, where, params };
}

/**
 * The enrollment statement of an `inactive` or `segment` trigger: every contact (`sweep`) or only the candidates
 * since `from`. Exported for tests.
 */
export function matchingEnrollmentSql(
  flow: Pick<ActiveFlowRow, 'id' | 'live_version'>,
  info: VersionInfo,
  now: Date,
  settings: EngineSettings,
  from: Date | null,
): Statement | null {
  const q = matchingQuery(flow, info, now, settings, from);
  if (!q) return null;
  const sql = `${journeyInsert(q.flowId, q.params.add(flow.live_version), q.params.add(info.trigger!.id), q.nowP)}
    FROM ${q.source}
    WHERE ${q.where.join('\n      AND ')}
    ${liveConflict}`;
  return { sql, params: q.params.values };
}

export interface EnrollmentEstimate {
  kind: TriggerData['kind'] | null;
  /** contacts who would enter if the version went live now; for an event trigger, contacts who sent the event in the last 7 days */
  count: number;
}

/**
 * How many contacts a version's trigger would take now — the activation dialog's audience estimate. A count over the
 * same compiled trigger as enrollment, writing nothing.
 */
export async function estimateEnrollment(
  db: Pick<Db, 'query'>,
  flow: Pick<ActiveFlowRow, 'id' | 'live_version'>,
  info: VersionInfo,
  now: Date,
  settings: EngineSettings,
): Promise<EnrollmentEstimate> {
  const data = info.trigger?.data as TriggerData | undefined;
  if (!data) return { kind: null, count: 0 };
  if (data.kind === 'event') {
    const result = await db.query<{ n: number }>(
      `SELECT count(DISTINCT contact_id)::int AS n FROM events WHERE name = $1 AND received_at > $2::timestamptz - interval '7 days' AND received_at <= $2`,
      [data.event, now],
    );
    return { kind: 'event', count: result.rows[0].n };
  }
  const q = matchingQuery(flow, info, now, settings, null)!;
  const result = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM ${q.source} WHERE ${q.where.join(' AND ')}`,
    q.params.values,
  );
  return { kind: data.kind, count: result.rows[0].n };
}

/** Inbox rows as the drain takes them (the columns enrollment reads). */
const drainedColumns = 'contact_id, event_id, event_name, occurred_at, received_at';

/**
 * The drain statement of an `event` trigger: takes up to `limit` inbox rows of the flow (SKIP LOCKED), deletes
 * them and enrols their contacts when the event still matches the live trigger (name, `where`, `maxAge`), the
 * audience and re-entry allow it. Answers the counts. Exported for tests.
 *
 * `taken`: the rows were taken already (deleted by `takeInboxRows`, per contact bucket) and are passed as a JSON
 * parameter instead; the statement then only enrols and counts.
 */
export function drainSql(
  flow: Pick<ActiveFlowRow, 'id' | 'live_version'>,
  info: VersionInfo,
  now: Date,
  settings: EngineSettings,
  limit: number,
  taken?: TakenInboxRow[],
): Statement | null {
  const trigger = info.trigger;
  if (!trigger) return null;
  const data = trigger.data as TriggerData;
  if (data.kind !== 'event') return null;
  const params = new SqlParams();
  const flowId = params.add(flow.id);
  const version = params.add(flow.live_version);
  const nodeId = params.add(trigger.id);
  const nowP = params.add(now);
  const ctx: RuleSqlContext = { params, contactId: 'c.id', timezone: 'c.timezone', now: nowP, activity: settings.activity };
  const fresh = data.maxAge ? `d.occurred_at >= d.received_at - ${params.add(ms(data.maxAge))}::bigint * interval '1 millisecond'` : 'true';
  const eventP = params.add(data.event);
  const where = [`d.event_name = ${eventP}`, fresh];
  if (data.where) where.push(ruleToSql(data.where, 'e.properties', ctx));
  if (data.audience) where.push(ruleToSql(data.audience, 'c.attributes', ctx));
  where.push(reentrySql(data.reentry ?? 'never', flowId, nowP, params));
  const drained = taken
    ? `SELECT * FROM jsonb_to_recordset(${params.add(JSON.stringify(taken))}::jsonb)
         AS d(contact_id bigint, event_id bigint, event_name text, occurred_at timestamptz, received_at timestamptz)`
    : `DELETE FROM trigger_inbox i WHERE i.id IN (
        SELECT id FROM trigger_inbox WHERE flow_id = ${flowId}::uuid ORDER BY id LIMIT ${params.add(limit)} FOR UPDATE SKIP LOCKED)
      RETURNING ${drainedColumns.replace(/(\w+)/g, 'i.$1')}`;
  // the event joined on its contact too: on a database sharded by contact, a join between two sharded tables runs
  // only on their shard key
  const sql = `
    WITH drained AS (${drained}),
    enrolled AS (
      ${journeyInsert(flowId, version, nodeId, nowP, true)}
        FROM drained d JOIN contacts c ON c.id = d.contact_id JOIN events e ON e.id = d.event_id AND e.contact_id = c.id
       WHERE ${where.join('\n         AND ')}
      ${liveConflict}
      RETURNING 1)
    SELECT (SELECT count(*) FROM drained)::int AS drained,
           (SELECT count(*) FROM enrolled)::int AS enrolled,
           (SELECT count(*) FROM drained d WHERE d.event_name = ${eventP} AND NOT (${fresh}))::int AS too_old,
           (SELECT count(*) FROM drained d WHERE d.event_name <> ${eventP})::int AS stale`;
  return { sql, params: params.values };
}

export interface TakenInboxRow {
  id: string;
  contact_id: string;
  event_id: string;
  event_name: string;
  occurred_at: Date;
  received_at: Date;
}

/**
 * Takes (deletes and answers) up to `limit` of the flow's inbox rows in inbox order, per contact bucket
 * (store/buckets.ts): candidates read without locks, then one DELETE per bucket naming its contacts and rows, each
 * routable to one shard. Rows another transaction holds are walked past, as SKIP LOCKED does.
 */
async function takeInboxRows(tx: Tx, flowId: string, limit: number): Promise<TakenInboxRow[]> {
  const candidates = async (tried: string[], n: number) =>
    (
      await tx.query<BucketCandidate>(
        `SELECT id::text, contact_id::text, ${contactBucketSql('contact_id')} AS bucket FROM trigger_inbox
          WHERE flow_id = $1 AND NOT (id = ANY($3::bigint[])) ORDER BY id LIMIT $2`,
        [flowId, n, tried],
      )
    ).rows;
  return claimByBucket(tx, limit, candidates, async (bucketTx, contactIds, ids) => {
    const taken = await bucketTx.query<TakenInboxRow>(
      `DELETE FROM trigger_inbox i WHERE i.contact_id = ANY($1::bigint[]) AND i.id IN (
         SELECT id FROM trigger_inbox WHERE contact_id = ANY($1::bigint[]) AND id = ANY($2::bigint[]) AND flow_id = $3
            FOR UPDATE SKIP LOCKED)
       RETURNING i.id::text, ${drainedColumns.replace(/(\w+)/g, 'i.$1')}`,
      [contactIds, ids, flowId],
    );
    return taken.rows;
  });
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

/** Enrolls every contact newly matching one flow's trigger. */
export async function enrollFlow(
  db: Db,
  flow: ActiveFlowRow,
  info: VersionInfo,
  now: Date,
  settings: EngineSettings,
  /** `byBucket`: an event trigger's inbox is taken per contact bucket, each locking statement routable to one shard */
  options: { byBucket?: boolean } = {},
): Promise<EnrollResult> {
  const data = info.trigger?.data as TriggerData | undefined;
  if (!data) return emptyResult();
  return data.kind === 'event'
    ? drainInbox(db, flow, info, now, settings, options.byBucket ?? false)
    : enrollMatching(db, flow, info, now, settings);
}

type DrainCounts = { drained: number; enrolled: number; too_old: number; stale: number };

async function drainInbox(
  db: Db,
  flow: ActiveFlowRow,
  info: VersionInfo,
  now: Date,
  settings: EngineSettings,
  byBucket: boolean,
): Promise<EnrollResult> {
  const total = emptyResult();
  const statement = drainSql(flow, info, now, settings, DRAIN_CHUNK)!;
  for (;;) {
    const chunk = await inTransaction(db, async (tx): Promise<DrainCounts | null> => {
      if (!(await lockFlowForEnrollment(tx, flow))) return null;
      // the flow's row first: Citus refuses a write to a replicated table after a parallel write to a sharded one
      // in the same transaction (the drain's journeys); on one server the order changes nothing
      await markEnrolled(tx, flow.id, now, false);
      if (!byBucket) return (await tx.query<DrainCounts>(statement.sql, statement.params)).rows[0];
      const taken = await takeInboxRows(tx, flow.id, DRAIN_CHUNK);
      if (!taken.length) return { drained: 0, enrolled: 0, too_old: 0, stale: 0 };
      const enrol = drainSql(flow, info, now, settings, DRAIN_CHUNK, taken)!;
      return (await tx.query<DrainCounts>(enrol.sql, enrol.params)).rows[0];
    });
    if (!chunk) return total;
    total.drained += chunk.drained;
    total.enrolled += chunk.enrolled;
    total.tooOld += chunk.too_old;
    total.stale += chunk.stale;
    if (chunk.drained < DRAIN_CHUNK) return total;
  }
}

async function enrollMatching(db: Db, flow: ActiveFlowRow, info: VersionInfo, now: Date, settings: EngineSettings): Promise<EnrollResult> {
  return inTransaction(db, async (tx) => {
    const current = await lockFlowForEnrollment(tx, flow);
    if (!current) return emptyResult();
    const sweep =
      current.last_swept_at === null ||
      current.last_swept_version !== current.live_version ||
      now.getTime() - current.last_swept_at.getTime() >= SWEEP_EVERY_MS ||
      current.last_enrolled_at === null;
    const from = sweep ? null : new Date(current.last_enrolled_at!.getTime() - ENROLL_OVERLAP_MS);
    const statement = matchingEnrollmentSql(current, info, now, settings, from);
    if (!statement) return emptyResult();
    await markEnrolled(tx, flow.id, now, sweep); // before the insert, as in drainInbox
    const inserted = await tx.query(statement.sql, statement.params);
    return { ...emptyResult(), enrolled: inserted.rowCount ?? 0, swept: sweep };
  });
}
