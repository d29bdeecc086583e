/**
 * Small SQL fixtures for the engine's integration tests. Flows are set up directly (the flow service is the API's):
 * a flow row, its frozen versions, and status/live_version as activation would leave them.
 */
import type { Pool } from 'pg';
import type { FlowGraphDocument, FlowQuietHours } from '@boomerang/engine';
import { ingestEventRows, loadEngineSettings, type Engine, type TickReport } from '@boomerang/engine/runtime';

export async function createActiveFlow(
  db: Pool,
  graph: FlowGraphDocument,
  options: { name?: string; holdoutPercent?: number; activatedAt?: Date; quietHours?: FlowQuietHours } = {},
): Promise<string> {
  const flow = await db.query<{ id: string }>(
    `INSERT INTO flows (name, status, current_version, live_version, settings, activated_at)
     VALUES ($1, 'active', 1, 1, $2, $3) RETURNING id`,
    [
      options.name ?? 'test flow',
      JSON.stringify({ holdoutPercent: options.holdoutPercent ?? 0, ...(options.quietHours ? { quietHours: options.quietHours } : {}) }),
      options.activatedAt ?? new Date(0),
    ],
  );
  const id = flow.rows[0].id;
  await db.query(`INSERT INTO flow_versions (flow_id, version, graph, frozen_at) VALUES ($1, 1, $2, now())`, [id, JSON.stringify(graph)]);
  return id;
}

/** What activating an edited flow does: a new frozen version becomes live; running journeys keep theirs. */
export async function makeNewVersionLive(db: Pool, flowId: string, graph: FlowGraphDocument): Promise<number> {
  const next = await db.query<{ v: number }>(`SELECT current_version + 1 AS v FROM flows WHERE id = $1`, [flowId]);
  const version = next.rows[0].v;
  await db.query(`INSERT INTO flow_versions (flow_id, version, graph, frozen_at) VALUES ($1, $2, $3, now())`, [
    flowId,
    version,
    JSON.stringify(graph),
  ]);
  await db.query(`UPDATE flows SET current_version = $2, live_version = $2 WHERE id = $1`, [flowId, version]);
  return version;
}

export async function setFlowStatus(db: Pool, flowId: string, status: 'active' | 'paused' | 'archived'): Promise<void> {
  await db.query(`UPDATE flows SET status = $2 WHERE id = $1`, [flowId, status]);
}

export interface SeedContacts {
  prefix?: string;
  lastActiveAt?: Date | null;
  createdAt?: Date;
  timezone?: string;
  consent?: Record<string, boolean>;
  attributes?: (i: number) => Record<string, unknown>;
}

/** Inserts `count` contacts in one statement; returns their ids (as text) in order. */
export async function seedContacts(db: Pool, count: number, options: SeedContacts = {}): Promise<string[]> {
  const prefix = options.prefix ?? 'u';
  const attributes = options.attributes ?? ((i: number) => ({ pushToken: `tok-${prefix}${i}`, email: `${prefix}${i}@example.com` }));
  const result = await db.query<{ id: string }>(
    `INSERT INTO contacts (external_id, attributes, consent, timezone, last_active_at, created_at, updated_at)
     SELECT $1 || g, a.attrs, $2::jsonb, $3, $4, $5, $5
       FROM generate_series(0, $6 - 1) AS g JOIN unnest($7::jsonb[]) WITH ORDINALITY AS a(attrs, n) ON a.n = g + 1
     ORDER BY g RETURNING id::text`,
    [
      prefix,
      JSON.stringify(options.consent ?? { push: true, email: true, sms: true }),
      options.timezone ?? 'UTC',
      options.lastActiveAt ?? null,
      options.createdAt ?? new Date('2020-01-01T00:00:00Z'),
      count,
      Array.from({ length: count }, (_, i) => JSON.stringify(attributes(i))),
    ],
  );
  return result.rows.map((r) => r.id);
}

/** Event ingestion as the API does it (the engine's ingest statement), `at` being the engine clock's now. */
export async function ingestEvents(db: Pool, contactIds: string[], name: string, at: Date, activity = true): Promise<void> {
  if (!contactIds.length) return;
  const found = await db.query<{ id: string; external_id: string }>(
    `SELECT id::text, external_id FROM contacts WHERE id = ANY($1::bigint[])`,
    [contactIds],
  );
  const externalOf = new Map(found.rows.map((r) => [r.id, r.external_id]));
  const rows = contactIds.map((id) => ({ e: externalOf.get(String(id))!, n: name, t: at.toISOString(), p: {} }));
  await ingestEventRows(db, rows, at, { createContactsOnEvent: false, nonActivityEvents: activity ? [] : [name] });
}

/** Journeys of `sendThenWaitGraph` that went trigger → channel → delay exactly once each and wait at the delay. */
export function countWaitingAfterSend(db: Pool, flowId: string): Promise<number> {
  return count(db, `SELECT count(*) n FROM journeys WHERE flow_id = $1 AND state = 'waiting' AND current_node_id = 'd' AND step_seq = 3`, [
    flowId,
  ]);
}

/** The steps phase of a tick at `now`: every due journey, no enrollment and no dispatch (what it queues stays queued). */
export async function runDueSteps(engine: Engine, db: Pool, now: Date): Promise<TickReport> {
  const report: TickReport = { now, enrolled: 0, steps: 0, claimed: 0, batches: 0, queued: 0, sent: 0, failed: 0 };
  await engine.runDue(now, await loadEngineSettings(db), report);
  return report;
}

/** The partitions of a table partitioned by month, by name (`<table>_pYYYYMM` and `<table>_default`). */
export async function partitionsOf(db: Pool, table: 'journey_log' | 'events' | 'messages'): Promise<string[]> {
  const parts = await db.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = $1::regclass ORDER BY 1`,
    [table],
  );
  return parts.rows.map((r) => r.name);
}

export async function count(db: Pool, sql: string, params: unknown[] = []): Promise<number> {
  const result = await db.query<{ n: string }>(sql, params);
  return Number(result.rows[0].n);
}

/** trigger(segment: everyone) → push → delay (P1D) → end: one send per journey, then a wait. */
export function sendThenWaitGraph(
  trigger: Record<string, unknown> = { kind: 'segment', rule: { attribute: 'pushToken', op: 'exists' } },
  delay = 'P1D',
): FlowGraphDocument {
  return {
    nodes: [
      { id: 't', type: 'trigger', position: { x: 0, y: 0 }, data: trigger },
      {
        id: 'm',
        type: 'channel',
        position: { x: 0, y: 1 },
        data: { channel: 'push', template: { title: 'Hi', body: 'Hello {{firstName}}' } },
      },
      { id: 'd', type: 'delay', position: { x: 0, y: 2 }, data: { duration: delay } },
    ],
    edges: [
      { id: 'e1', source: 't', target: 'm' },
      { id: 'e2', source: 'm', target: 'd' },
    ],
  } as unknown as FlowGraphDocument;
}
