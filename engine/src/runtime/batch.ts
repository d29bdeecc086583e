/**
 * One batch, in ONE transaction: claim due journeys (FOR UPDATE SKIP LOCKED), load facts for all of them, advance
 * each with the pure core, then write new states, journey_log rows and outbox messages with three set-based
 * statements. A crash anywhere before COMMIT leaves nothing behind; the rows are simply claimed again.
 *
 *   claim ─→ graphs (cache) ─→ facts (3 queries) ─→ advance per contact, in order ─→ UPDATE … FROM unnest
 *                                                                                 ─→ INSERT journey_log (unnest)
 *                                                                                 ─→ INSERT messages (unnest) ON CONFLICT DO NOTHING
 */
import { advance, waitDueAt } from '../core/advance';
import { isHoldout } from '../core/hash';
import type { FlowGraphDocument } from '../core/schema';
import type { EngineSettings, JourneySnapshot, LogEffect, SendEffect } from '../core/types';
import type { Tx } from './db';
import { loadFacts } from './facts';
import { analyseVersion, eventsSince, type VersionInfo } from './graph-facts';

interface JourneyRow {
  id: string;
  flow_id: string;
  flow_version: number;
  contact_id: string;
  state: JourneySnapshot['state'];
  current_node_id: string;
  next_run_at: Date | null;
  wait: JourneySnapshot['wait'];
  step_seq: number;
  holdout: boolean;
  context: JourneySnapshot['context'];
  entered_at: Date;
  flow_name: string;
  holdout_percent: number | null;
}

export interface BatchResult {
  claimed: number;
  /** journeys whose advance changed something (a step, a wait, an end) */
  advanced: number;
  /** node visits (`node` log entries) */
  steps: number;
  messages: number;
}

/** Versions are frozen once live: a (flow, version) graph never changes, so the cache never needs invalidating. */
export class GraphCache {
  private readonly versions = new Map<string, VersionInfo>();

  get(flowId: string, version: number): VersionInfo | undefined {
    return this.versions.get(`${flowId}:${version}`);
  }

  async load(tx: Pick<Tx, 'query'>, pairs: { flowId: string; version: number }[]): Promise<void> {
    const missing = pairs.filter((p) => !this.get(p.flowId, p.version));
    if (!missing.length) return;
    const result = await tx.query<{ flow_id: string; version: number; graph: FlowGraphDocument }>(
      `SELECT v.flow_id, v.version, v.graph FROM flow_versions v
         JOIN unnest($1::uuid[], $2::int[]) AS w(flow_id, version) ON w.flow_id = v.flow_id AND w.version = v.version`,
      [missing.map((p) => p.flowId), missing.map((p) => p.version)],
    );
    for (const row of result.rows) this.versions.set(`${row.flow_id}:${row.version}`, analyseVersion(row.graph));
  }
}

export interface BatchOptions {
  batchSize: number;
  settings: EngineSettings;
  graphs: GraphCache;
  /** test hook: runs inside the transaction after the writes, before COMMIT (crash tests sleep here) */
  beforeCommit?: () => Promise<void>;
}

function snapshotOf(row: JourneyRow): JourneySnapshot {
  return {
    id: row.id,
    flowId: row.flow_id,
    version: row.flow_version,
    contactId: row.contact_id,
    state: row.state,
    currentNodeId: row.current_node_id,
    enteredAt: row.entered_at,
    nextRunAt: row.next_run_at,
    stepSeq: row.step_seq,
    holdout: row.holdout,
    wait: row.wait,
    context: row.context ?? {},
  };
}

/** Claims and runs one batch inside `tx` (the caller owns BEGIN/COMMIT). */
export async function runBatch(tx: Tx, now: Date, options: BatchOptions): Promise<BatchResult> {
  const claimed = await tx.query<JourneyRow>(
    `SELECT j.id, j.flow_id, j.flow_version, j.contact_id::text, j.state, j.current_node_id, j.next_run_at, j.wait,
            j.step_seq, j.holdout, j.context, j.entered_at, f.name AS flow_name,
            (f.settings ->> 'holdoutPercent')::int AS holdout_percent
       FROM journeys j JOIN flows f ON f.id = j.flow_id AND f.status = 'active'
      WHERE j.state = 'waiting' AND j.next_run_at <= $1
      ORDER BY j.next_run_at
      LIMIT $2
      FOR UPDATE OF j SKIP LOCKED`,
    [now, options.batchSize],
  );
  const rows = claimed.rows;
  const result: BatchResult = { claimed: rows.length, advanced: 0, steps: 0, messages: 0 };
  if (!rows.length) return result;

  const { settings, graphs } = options;
  await graphs.load(tx, rows.map((r) => ({ flowId: r.flow_id, version: r.flow_version })));

  const since = new Map<string, Date>();
  for (const row of rows) {
    const info = graphs.get(row.flow_id, row.flow_version);
    if (!info) continue;
    const s = eventsSince(info, snapshotOf(row), now, settings);
    const prev = since.get(row.contact_id);
    if (!prev || s < prev) since.set(row.contact_id, s);
  }
  const facts = await loadFacts(tx, since, now, settings);

  // one contact's journeys in sequence (due order), so its sends count against caps for the next one
  const ordered = [...rows].sort((a, b) =>
    a.contact_id === b.contact_id ? a.next_run_at!.getTime() - b.next_run_at!.getTime() : a.contact_id < b.contact_id ? -1 : 1,
  );
  const updates: JourneySnapshot[] = [];
  const logs: { journeyId: string; effect: LogEffect }[] = [];
  const sends: { journey: JourneySnapshot; effect: SendEffect }[] = [];

  for (const row of ordered) {
    const before = snapshotOf(row);
    const info = graphs.get(row.flow_id, row.flow_version);
    const contact = facts.get(row.contact_id);
    if (!info || !contact) {
      const failed: JourneySnapshot = { ...before, state: 'failed', wait: null, nextRunAt: null };
      updates.push(failed);
      logs.push({
        journeyId: row.id,
        effect: { type: 'log', at: now, nodeId: row.current_node_id, kind: 'failed', detail: { reason: info ? 'contact missing' : 'flow version missing' } },
      });
      continue;
    }
    if (before.stepSeq === 0 && !before.wait) {
      // the first advance decides the holdout, with the core's own deterministic function
      before.holdout = isHoldout(row.flow_id, row.contact_id, row.holdout_percent ?? 10);
    }
    const { journey, effects } = advance(before, info.graph, contact, now, settings, { id: row.flow_id, name: row.flow_name });
    if (!effects.length) {
      // woken but not due (e.g. an event arrived that does not end the wait): keep the wait's own due time
      const due = journey.wait ? waitDueAt(journey.wait) : null;
      if (due && due.getTime() !== row.next_run_at?.getTime()) updates.push({ ...journey, nextRunAt: due });
      else if (!due) updates.push(journey);
      continue;
    }
    result.advanced++;
    updates.push(journey);
    for (const effect of effects) {
      if (effect.type === 'log') {
        logs.push({ journeyId: journey.id, effect });
        if (effect.kind === 'node') result.steps++;
      } else {
        sends.push({ journey, effect });
        contact.recentSends.push({ channel: effect.channel, at: effect.at });
      }
    }
  }

  await writeJourneys(tx, updates, now);
  await writeLogs(tx, logs);
  result.messages = await writeMessages(tx, sends);
  if (options.beforeCommit) await options.beforeCommit();
  return result;
}

const ended = new Set(['completed', 'converted', 'exited', 'failed']);

async function writeJourneys(tx: Tx, journeys: JourneySnapshot[], now: Date): Promise<void> {
  if (!journeys.length) return;
  await tx.query(
    `UPDATE journeys j SET state = u.state, current_node_id = u.node, next_run_at = u.next_run_at, wait = u.wait,
            step_seq = u.step_seq, holdout = u.holdout, context = u.context, updated_at = now(),
            ended_at = CASE WHEN u.ended THEN $10::timestamptz ELSE NULL END
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[], $5::jsonb[], $6::int[], $7::boolean[], $8::jsonb[], $9::boolean[])
            AS u(id, state, node, next_run_at, wait, step_seq, holdout, context, ended)
      WHERE j.id = u.id`,
    [
      journeys.map((j) => j.id),
      journeys.map((j) => j.state),
      journeys.map((j) => j.currentNodeId),
      // a journey that is still live but has no due time (should not happen) is retried at once rather than lost
      journeys.map((j) => j.nextRunAt ?? (ended.has(j.state) ? null : now)),
      journeys.map((j) => (j.wait ? JSON.stringify(j.wait) : null)),
      journeys.map((j) => j.stepSeq),
      journeys.map((j) => j.holdout),
      journeys.map((j) => JSON.stringify(j.context ?? {})),
      journeys.map((j) => ended.has(j.state)),
      now,
    ],
  );
}

async function writeLogs(tx: Tx, logs: { journeyId: string; effect: LogEffect }[]): Promise<void> {
  if (!logs.length) return;
  await tx.query(
    `INSERT INTO journey_log (journey_id, at, node_id, kind, detail)
     SELECT * FROM unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::text[], $5::jsonb[])`,
    [
      logs.map((l) => l.journeyId),
      logs.map((l) => l.effect.at),
      logs.map((l) => l.effect.nodeId),
      logs.map((l) => l.effect.kind),
      logs.map((l) => JSON.stringify(l.effect.detail ?? {})),
    ],
  );
}

async function writeMessages(tx: Tx, sends: { journey: JourneySnapshot; effect: SendEffect }[]): Promise<number> {
  if (!sends.length) return 0;
  const inserted = await tx.query(
    `INSERT INTO messages (id, idempotency_key, journey_id, flow_id, flow_version, contact_id, node_id, channel, status,
                           content, cost_cents, attempts, next_attempt_at, created_at)
     SELECT COALESCE(u.id, gen_random_uuid()), u.key, u.journey_id, u.flow_id, u.version, u.contact_id, u.node_id, u.channel, 'queued', u.content, u.cost, 0, u.at, u.at
       FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::uuid[], $5::int[], $6::bigint[], $7::text[], $8::text[], $9::jsonb[],
                   $10::int[], $11::timestamptz[])
            AS u(id, key, journey_id, flow_id, version, contact_id, node_id, channel, content, cost, at)
     ON CONFLICT (idempotency_key) DO NOTHING`,
    [
      sends.map((s) => s.effect.messageId ?? null),
      sends.map((s) => s.effect.idempotencyKey),
      sends.map((s) => s.journey.id),
      sends.map((s) => s.journey.flowId),
      sends.map((s) => s.journey.version),
      sends.map((s) => s.journey.contactId),
      sends.map((s) => s.effect.nodeId),
      sends.map((s) => s.effect.channel),
      sends.map((s) => JSON.stringify(s.effect.content)),
      sends.map((s) => Math.max(0, Math.round(s.effect.costCents ?? 0))),
      sends.map((s) => s.effect.at),
    ],
  );
  return inserted.rowCount ?? 0;
}
