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
import { flowQuietHoursOf, settingsForFlow } from '../core/guardrails/quiet-hours';
import { isHoldout } from '../core/hash';
import type { ContactFacts, EngineSettings, JourneySnapshot, LogEffect, SendEffect } from '../core/types';
import type { Tx } from './db';
import { loadFacts } from './facts';
import { loadActiveHours } from './store/active-hours';
import { analyseVersion, eventsSince, type VersionInfo } from './graph-facts';
import { listActiveFlows, loadFlowVersions, type ActiveFlowRow } from './store/flows';
import { appendLog, claimDueJourneys, lockContacts, saveJourneys, type ClaimCursor, type JourneyRow } from './store/journeys';
import { queueMessages } from './store/messages';

export type { ClaimCursor } from './store/journeys';

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

/** Versions are frozen once live: a (flow, version) graph never changes, so the cache never needs invalidating. */
export class GraphCache {
  private readonly versions = new Map<string, VersionInfo>();

  get(flowId: string, version: number): VersionInfo | undefined {
    return this.versions.get(`${flowId}:${version}`);
  }

  async load(tx: Pick<Tx, 'query'>, pairs: { flowId: string; version: number }[]): Promise<void> {
    const missing = pairs.filter((p) => !this.get(p.flowId, p.version));
    if (!missing.length) return;
    for (const row of await loadFlowVersions(tx, missing)) this.versions.set(`${row.flow_id}:${row.version}`, analyseVersion(row.graph));
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
  /** claim per contact bucket (a database sharded by contact: store/buckets.ts) */
  claimByBucket?: boolean;
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

/**
 * Claims and runs one batch inside `tx` (the caller owns BEGIN/COMMIT): claim → facts → advance → write.
 * Active flows are read first (a handful of rows) and the claim is one ordered walk of journeys_due_idx that stops
 * after `batchSize` rows: joining flows inside the claim made the planner hash-join and sort every due journey.
 */
export async function runBatch(tx: Tx, now: Date, options: BatchOptions): Promise<BatchResult> {
  const flows = new Map((await listActiveFlows(tx)).map((f) => [f.id, f]));
  if (!flows.size) return { claimed: 0, advanced: 0, steps: 0, messages: 0, noActiveFlow: true };
  const claimed = await claim(tx, now, [...flows.keys()], options);
  if (!claimed.length) return { claimed: 0, advanced: 0, steps: 0, messages: 0 };
  // contacts another process is stepping stay locked but untouched here: the next pass takes them (caps across processes)
  const mine = await lockContacts(
    tx,
    claimed.map((r) => r.contact_id),
  );
  const rows = mine.size === claimed.length ? claimed : claimed.filter((r) => mine.has(r.contact_id));
  await options.graphs.load(
    tx,
    rows.map((r) => ({ flowId: r.flow_id, version: r.flow_version })),
  );
  const facts = await loadFacts(tx, lookbacks(rows, options, now), now, options.settings);
  const hourly = rows.filter((r) => options.graphs.get(r.flow_id, r.flow_version)?.usesBestHour).map((r) => r.contact_id);
  if (hourly.length) {
    for (const [contactId, hours] of await loadActiveHours(tx, hourly, now)) {
      const contact = facts.get(contactId);
      if (contact) contact.activeHours = hours;
    }
  }
  const outcome = advanceAll(rows, flows, facts, now, options);
  await saveJourneys(tx, outcome.updates, now);
  await appendLog(tx, outcome.logs, now);
  const messages = await queueMessages(tx, outcome.sends);
  if (options.beforeCommit) await options.beforeCommit();
  return { claimed: claimed.length, advanced: outcome.advanced, steps: outcome.steps, messages };
}

/** The claim, taking its turn among this process's in-flight batches when there is a gate. */
async function claim(tx: Tx, now: Date, flowIds: string[], options: BatchOptions): Promise<JourneyRow[]> {
  const { busy, after } = options.gate ? await options.gate.enter() : { busy: [], after: null };
  let rows: JourneyRow[] = [];
  try {
    rows = await claimDueJourneys(tx, now, { flowIds, limit: options.batchSize, busy, after, byBucket: options.claimByBucket });
  } finally {
    options.gate?.leave(rows.map((r) => ({ contactId: r.contact_id, key: { at: r.next_run_at!, contactId: r.contact_id, id: r.id } })));
  }
  return rows;
}

/** Per contact, the earliest event time any of its claimed journeys may look at. */
function lookbacks(rows: JourneyRow[], options: BatchOptions, now: Date): Map<string, Date> {
  const since = new Map<string, Date>();
  for (const row of rows) {
    const info = options.graphs.get(row.flow_id, row.flow_version);
    if (!info) continue;
    const s = eventsSince(info, snapshotOf(row), now, options.settings);
    const prev = since.get(row.contact_id);
    if (!prev || s < prev) since.set(row.contact_id, s);
  }
  return since;
}

interface BatchOutcome {
  updates: JourneySnapshot[];
  logs: { journeyId: string; contactId: string; effect: LogEffect }[];
  sends: { journey: JourneySnapshot; effect: SendEffect }[];
  advanced: number;
  steps: number;
}

/** Runs the pure core over every claimed journey; one contact's journeys in due order so its sends count against caps. */
function advanceAll(
  rows: JourneyRow[],
  flows: Map<string, ActiveFlowRow>,
  facts: Map<string, ContactFacts>,
  now: Date,
  options: BatchOptions,
): BatchOutcome {
  const out: BatchOutcome = { updates: [], logs: [], sends: [], advanced: 0, steps: 0 };
  // each flow's settings once per batch: the workspace's with the flow's own quiet hours
  const perFlow = new Map<string, EngineSettings>();
  const flowSettings = (flow: ActiveFlowRow) => {
    let settings = perFlow.get(flow.id);
    if (!settings) perFlow.set(flow.id, (settings = settingsForFlow(options.settings, flowQuietHoursOf(flow.quiet_hours))));
    return settings;
  };
  const ordered = [...rows].sort((a, b) =>
    a.contact_id === b.contact_id ? a.next_run_at!.getTime() - b.next_run_at!.getTime() : a.contact_id < b.contact_id ? -1 : 1,
  );
  for (const row of ordered) {
    const before = snapshotOf(row);
    const info = options.graphs.get(row.flow_id, row.flow_version);
    const contact = facts.get(row.contact_id);
    if (!info || !contact) {
      out.updates.push({ ...before, state: 'failed', wait: null, nextRunAt: null });
      out.logs.push({
        journeyId: row.id,
        contactId: row.contact_id,
        effect: {
          type: 'log',
          at: now,
          nodeId: row.current_node_id,
          kind: 'failed',
          detail: { reason: info ? 'contact missing' : 'flow version missing' },
        },
      });
      continue;
    }
    const flow = flows.get(row.flow_id)!;
    if (before.stepSeq === 0 && !before.wait) {
      // the first advance decides the holdout, with the core's own deterministic function
      before.holdout = isHoldout(row.flow_id, row.contact_id, flow.holdout_percent ?? 10);
    }
    const { journey, effects } = advance(before, info.graph, contact, now, flowSettings(flow), { id: row.flow_id, name: flow.name });
    if (!effects.length) {
      // woken but not due (e.g. an event arrived that does not end the wait): keep the wait's own due time
      const due = journey.wait ? waitDueAt(journey.wait) : null;
      if (due && due.getTime() !== row.next_run_at?.getTime()) out.updates.push({ ...journey, nextRunAt: due });
      else if (!due) out.updates.push(journey);
      continue;
    }
    out.advanced++;
    out.updates.push(journey);
    for (const effect of effects) {
      if (effect.type === 'log') {
        out.logs.push({ journeyId: journey.id, contactId: journey.contactId, effect });
        if (effect.step !== undefined) out.steps++;
      } else {
        out.sends.push({ journey, effect });
        contact.recentSends.push({ channel: effect.channel, at: effect.at });
      }
    }
  }
  return out;
}
