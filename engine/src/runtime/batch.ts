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
  /** no flow is active: nothing can be claimed this tick */
  noActiveFlow?: boolean;
}

/**
 * Concurrent batches of one process (pipelining) claim one at a time: `enter` waits for the turn and returns the
 * contacts other in-flight batches hold; `leave` ends the turn, holding this batch's contacts until it commits. So
 * one contact's journeys are never in two concurrent batches of the process, and its sends keep counting against
 * the frequency caps of its next journey.
 */
export interface ClaimGate {
  enter(): Promise<{ busy: string[]; after: ClaimCursor | null }>;
  leave(claimed: { contactId: string; key: ClaimCursor }[]): void;
}

/** A position in the due order (next_run_at, contact_id, id) — the key of journeys_due_idx. */
export interface ClaimCursor {
  at: Date;
  contactId: string;
  id: string;
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
  /** pipelining: claims of one process's concurrent batches take turns and skip each other's contacts */
  gate?: ClaimGate;
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
  // Active flows first (a handful of rows), then the claim as one ordered walk of journeys_due_idx that stops after
  // `batchSize` rows. Joining flows inside the claim made the planner hash-join and sort EVERY due journey per batch
  // (O(due) per batch, O(due²) per tick: 100k due journeys did not finish).
  const active = await tx.query<{ id: string; name: string; holdout_percent: number | null }>(
    `SELECT id, name, (settings ->> 'holdoutPercent')::int AS holdout_percent FROM flows WHERE status = 'active'`,
  );
  if (!active.rows.length) return { claimed: 0, advanced: 0, steps: 0, messages: 0, noActiveFlow: true };
  const flows = new Map(active.rows.map((f) => [f.id, f]));
  // flow_id compared as text: a filter, never an index condition (with stale statistics the planner AND-ed
  // journeys_live_contact_flow_key's bitmap with the due index and sorted every due journey per claim).
  // Keyset: a tick's batches walk journeys_due_idx from where the previous claim stopped, not from its start (the
  // entries of journeys already advanced in this tick stay in the index until vacuumed: at 1M journeys due at one
  // instant, the plain walk read ~2,300 buffers and took 110 ms per claim after 115k advances, O(N²) per tick).
  const { busy, after } = options.gate ? await options.gate.enter() : { busy: [], after: null };
  let claimed: { rows: JourneyRow[] } | undefined;
  try {
    // the ordered walk, whatever the statistics say: right after a bulk enrollment (1M journeys not yet analysed)
    // the planner estimated ~350 due rows, bitmap-scanned all 972k and sorted them per claim (1,069 ms, 22,617
    // buffers read) instead of stopping at the LIMIT. Transaction-local, switched back on right after the claim.
    await tx.query(`SELECT set_config('enable_bitmapscan', 'off', true)`);
    claimed = await tx.query<JourneyRow>(
      `SELECT j.id, j.flow_id, j.flow_version, j.contact_id::text, j.state, j.current_node_id, j.next_run_at, j.wait,
              j.step_seq, j.holdout, j.context, j.entered_at
         FROM journeys j
        WHERE j.state = 'waiting' AND j.next_run_at <= $1 AND j.flow_id::text = ANY($3::text[]) AND NOT (j.contact_id = ANY($4::bigint[]))
          AND (j.next_run_at, j.contact_id, j.id) > ($5::timestamptz, $6::bigint, $7::uuid)
        ORDER BY j.next_run_at, j.contact_id, j.id
        LIMIT $2
        FOR UPDATE SKIP LOCKED`,
      [now, options.batchSize, [...flows.keys()], busy, after?.at ?? '-infinity', after?.contactId ?? '-9223372036854775808', after?.id ?? '00000000-0000-0000-0000-000000000000'],
    );
    await tx.query(`SELECT set_config('enable_bitmapscan', 'on', true)`);
  } finally {
    options.gate?.leave(claimed?.rows.map((r) => ({ contactId: r.contact_id, key: { at: r.next_run_at!, contactId: r.contact_id, id: r.id } })) ?? []);
  }
  const rows = claimed.rows;
  const result: BatchResult = { claimed: rows.length, advanced: 0, steps: 0, messages: 0 };
  if (!rows.length) return result;
  for (const row of rows) {
    const flow = flows.get(row.flow_id)!;
    row.flow_name = flow.name;
    row.holdout_percent = flow.holdout_percent;
  }

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
  await writeLogs(tx, logs, now);
  result.messages = await writeMessages(tx, sends);
  if (options.beforeCommit) await options.beforeCommit();
  return result;
}

const ended = new Set(['completed', 'converted', 'exited', 'failed']);

/*
 * Each write ships its rows as ONE JSON document (an array of positional arrays) that the server parses once with
 * jsonb_array_elements. pg's array parameters escape every element in JS (escapeElement was the top pg frame in the
 * profile) and the server then parses a text[] and each jsonb inside it again.
 */

async function writeJourneys(tx: Tx, journeys: JourneySnapshot[], now: Date): Promise<void> {
  if (!journeys.length) return;
  const rows = journeys.map((j) => [
    j.id,
    j.state,
    j.currentNodeId,
    // a journey that is still live but has no due time (should not happen) is retried at once rather than lost
    j.nextRunAt ?? (ended.has(j.state) ? null : now),
    j.wait,
    j.stepSeq,
    j.holdout,
    j.context ?? {},
    ended.has(j.state),
  ]);
  await tx.query(
    `UPDATE journeys j SET state = u->>1, current_node_id = u->>2, next_run_at = (u->>3)::timestamptz,
            wait = CASE WHEN jsonb_typeof(u->4) = 'null' THEN NULL ELSE u->4 END,
            step_seq = (u->>5)::int, holdout = (u->>6)::boolean, context = u->7, updated_at = now(),
            ended_at = CASE WHEN (u->>8)::boolean THEN $2::timestamptz ELSE NULL END
       FROM jsonb_array_elements($1::jsonb) AS u
      WHERE j.id = (u->>0)::uuid`,
    [JSON.stringify(rows), now],
  );
}

async function writeLogs(tx: Tx, logs: { journeyId: string; effect: LogEffect }[], now: Date): Promise<void> {
  if (!logs.length) return;
  const nowIso = now.toISOString(); // nearly every effect happens at `now`: one toISOString, not one per row
  const rows = logs.map((l) => [l.journeyId, l.effect.at.getTime() === now.getTime() ? nowIso : l.effect.at, l.effect.nodeId, l.effect.kind, l.effect.detail ?? {}]);
  await tx.query(
    `INSERT INTO journey_log (journey_id, at, node_id, kind, detail)
     SELECT (u->>0)::uuid, (u->>1)::timestamptz, u->>2, u->>3, u->4 FROM jsonb_array_elements($1::jsonb) AS u`,
    [JSON.stringify(rows)],
  );
}

async function writeMessages(tx: Tx, sends: { journey: JourneySnapshot; effect: SendEffect }[]): Promise<number> {
  if (!sends.length) return 0;
  const rows = sends.map((s) => [
    s.effect.messageId ?? null,
    s.effect.idempotencyKey,
    s.journey.id,
    s.journey.flowId,
    s.journey.version,
    s.journey.contactId,
    s.effect.nodeId,
    s.effect.channel,
    s.effect.content,
    Math.max(0, Math.round(s.effect.costCents ?? 0)),
    s.effect.at,
  ]);
  const inserted = await tx.query(
    `INSERT INTO messages (id, idempotency_key, journey_id, flow_id, flow_version, contact_id, node_id, channel, status,
                           content, cost_cents, attempts, next_attempt_at, created_at)
     SELECT COALESCE((u->>0)::uuid, gen_random_uuid()), u->>1, (u->>2)::uuid, (u->>3)::uuid, (u->>4)::int, (u->>5)::bigint,
            u->>6, u->>7, 'queued', u->8, (u->>9)::int, 0, (u->>10)::timestamptz, (u->>10)::timestamptz
       FROM jsonb_array_elements($1::jsonb) AS u
     ON CONFLICT (idempotency_key) DO NOTHING`,
    [JSON.stringify(rows)],
  );
  return inserted.rowCount ?? 0;
}
