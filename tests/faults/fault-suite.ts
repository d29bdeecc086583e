/**
 * The fault suite's driver: its own embedded PostgreSQL (a temp dir, so restarting it disturbs no other suite),
 * engine replicas as separate OS processes (`engine-replica.ts`), a provider stub on 127.0.0.1 that fails and hangs,
 * ingestion running throughout, the virtual clock moved forward, random SIGKILLs and one PostgreSQL restart. Then it
 * reads the database and what the stub received and checks every invariant. `runFaultSuite` returns the summary and
 * the list of violations (empty when everything held).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import type { FlowGraphDocument } from '@boomerang/engine';
import { prng } from '@boomerang/engine/core/prng';
import { ingestEventRows, VirtualClock, type EventRow } from '@boomerang/engine/runtime';
import { connectAndMigrate, createDataSource } from '../../api/src/database/data-source';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../api/src/database/embedded-postgres';
import { createActiveFlow, seedContacts } from '../support/engine-fixtures';
import { repoRoot } from '../support/process';

export interface FaultOptions {
  /** dormant contacts (inactivity-triggered journeys) */
  dormant: number;
  /** sign-ups ingested during the run (event-triggered journeys) */
  signups: number;
  replicas: number;
  minKills: number;
  /** virtual hours played while faults are injected */
  hours: number;
  /** seconds between two kills (uniform): at the full size a tick must be able to reach its dispatch phase */
  killEvery: [number, number];
  /** wall pause between two clock steps: paces the run so that the kills fall while ingestion goes on */
  stepPauseMs: number;
  /** how long the recovery phase may take to drain everything */
  drainSeconds: number;
  log?: (line: string) => void;
}

export const reducedSize: FaultOptions = {
  dormant: 1200,
  signups: 1800,
  replicas: 3,
  minKills: 20,
  hours: 72,
  drainSeconds: 150,
  killEvery: [0.6, 2.4],
  stepPauseMs: 120,
};
export const fullSize: FaultOptions = {
  dormant: 20_000,
  signups: 30_000,
  replicas: 3,
  minKills: 30,
  hours: 96,
  drainSeconds: 1200,
  killEvery: [4, 10],
  stepPauseMs: 900,
};

export interface FaultSummary {
  kills: number;
  respawns: number;
  postgresRestarts: number;
  resumedAfterRestartMs: number | null;
  failedTicks: number;
  providerCalls: number;
  providerFailures: number;
  providerHangs: number;
  resentKeys: number;
  eventsIngested: number;
  journeys: number;
  journeysByState: Record<string, number>;
  messages: number;
  messagesDelivered: number;
  messagesFailedAfterRetries: number;
  heldAtSend: number;
  /** delivered on a killed, unrecorded attempt, then failed after its recorded retries (at most once still holds) */
  deliveredButRecordedFailed: number;
  duplicates: number;
  lost: number;
  violations: string[];
  wallSeconds: number;
}

const T0 = new Date('2026-03-02T06:00:00Z');
const ZONES = ['UTC', 'Asia/Shanghai', 'America/New_York', 'Europe/London'];

const push = (id: string, title: string) => ({
  id,
  type: 'channel',
  position: { x: 0, y: 0 },
  data: { channel: 'push', template: { title, body: 'Hello {{firstName}}' } },
});
const node = (id: string, type: string, data: Record<string, unknown>) => ({ id, type, position: { x: 0, y: 0 }, data });

/**
 * Event-triggered: sign-up → split a/b.
 *   a → push A → delay PT8H → goal
 *   b → delay PT5H → push B → (end)
 * Any `order_paid` converts the journey wherever it waits (goal checked every tick and on ingest).
 */
function signupGraph(): FlowGraphDocument {
  return {
    nodes: [
      node('t', 'trigger', { kind: 'event', event: 'signed_up' }),
      node('s', 'condition', {
        split: [
          { id: 'a', percent: 50 },
          { id: 'b', percent: 50 },
        ],
      }),
      push('pa', 'Welcome'),
      node('da', 'delay', { duration: 'PT8H' }),
      node('g', 'goal', { event: 'order_paid' }),
      node('db', 'delay', { duration: 'PT5H' }),
      push('pb', 'Still there?'),
    ],
    edges: [
      { id: 'e1', source: 't', target: 's' },
      { id: 'e2', source: 's', sourceHandle: 'a', target: 'pa' },
      { id: 'e3', source: 'pa', target: 'da' },
      { id: 'e4', source: 'da', target: 'g' },
      { id: 'e5', source: 's', sourceHandle: 'b', target: 'db' },
      { id: 'e6', source: 'db', target: 'pb' },
    ],
  } as unknown as FlowGraphDocument;
}

/**
 * Inactivity-triggered (3 days): push → delay P1D → opened the app in the last day?
 *   yes → goal · no → push again → (end)
 */
function dormantGraph(): FlowGraphDocument {
  return {
    nodes: [
      node('t', 'trigger', { kind: 'inactive', days: 3, reentry: 'never' }),
      push('p1', 'We miss you'),
      node('d', 'delay', { duration: 'P1D' }),
      node('c', 'condition', { rule: { event: 'app_open', within: 'P1D', count: { gte: 1 } } }),
      node('g', 'goal', { event: 'order_paid' }),
      push('p2', 'Last call'),
    ],
    edges: [
      { id: 'e1', source: 't', target: 'p1' },
      { id: 'e2', source: 'p1', target: 'd' },
      { id: 'e3', source: 'd', target: 'c' },
      { id: 'e4', source: 'c', sourceHandle: 'yes', target: 'g' },
      { id: 'e5', source: 'c', sourceHandle: 'no', target: 'p2' },
    ],
  } as unknown as FlowGraphDocument;
}

interface Stub {
  url: string;
  mode: 'faulty' | 'healthy';
  calls: number;
  failures: number;
  hangs: number;
  /** idempotency key → times the stub accepted it as new (a real provider deduplicates by key: never above 1) */
  delivered: Map<string, number>;
  /** keys sent again after they were delivered (a crash between send and record): answered 200, not delivered */
  resent: number;
  /** idempotency key → requests received with it (attempts, recorded or not) */
  callsByKey: Map<string, number>;
  close(): Promise<void>;
}

/** FCM-shaped provider stub: 30 % 500, 5 % hang while faulty; deduplicates by Idempotency-Key as FCM-like providers do. */
async function startStub(random: () => number): Promise<Stub> {
  const hanging = new Set<http.ServerResponse>();
  const stub: Stub = {
    url: '',
    mode: 'faulty',
    calls: 0,
    failures: 0,
    hangs: 0,
    delivered: new Map(),
    resent: 0,
    callsByKey: new Map(),
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      stub.calls++;
      const key = String(req.headers['idempotency-key'] ?? '');
      stub.callsByKey.set(key, (stub.callsByKey.get(key) ?? 0) + 1);
      if (stub.mode === 'faulty') {
        const r = random();
        if (r < 0.3) {
          stub.failures++;
          res.writeHead(500, { 'Content-Type': 'application/json' }).end('{"error":"injected"}');
          return;
        }
        if (r < 0.35) {
          stub.hangs++;
          hanging.add(res);
          res.on('close', () => hanging.delete(res));
          return;
        }
      }
      if (stub.delivered.has(key)) stub.resent++;
      else stub.delivered.set(key, 1);
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ name: `projects/fault/messages/${key}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  stub.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return stub;
}

// a seeded PRNG (mulberry32): a failing run can be replayed with FAULT_SEED
export { prng };

interface Replica {
  id: number;
  child: ChildProcess;
  output: string;
  ticks: number;
  failedTicks: number;
  exited: Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function runFaultSuite(
  options: FaultOptions,
  seed = Number(process.env.FAULT_SEED ?? Date.now() % 1_000_000),
): Promise<FaultSummary> {
  const log = options.log ?? (() => undefined);
  const random = prng(seed);
  const started = Date.now();
  log(`fault suite: seed ${seed}, ${options.dormant} dormant + ${options.signups} sign-ups, ${options.replicas} replicas`);
  const dir = mkdtempSync(join(tmpdir(), 'boomerang-faults-'));
  let database: EmbeddedDatabase | null = null;
  let pool: Pool | null = null;
  let stub: Stub | null = null;
  const replicas = new Map<number, Replica>();
  let stopping = false;
  const summary: FaultSummary = {
    kills: 0,
    respawns: 0,
    postgresRestarts: 0,
    resumedAfterRestartMs: null,
    failedTicks: 0,
    providerCalls: 0,
    providerFailures: 0,
    providerHangs: 0,
    resentKeys: 0,
    eventsIngested: 0,
    journeys: 0,
    journeysByState: {},
    messages: 0,
    messagesDelivered: 0,
    messagesFailedAfterRetries: 0,
    heldAtSend: 0,
    deliveredButRecordedFailed: 0,
    duplicates: 0,
    lost: 0,
    violations: [],
    wallSeconds: 0,
  };
  const exitedReplicaFailures: number[] = [];

  try {
    database = await startEmbeddedPostgres(dir);
    const dataSource = createDataSource(database.url, { poolSize: 2, logErrors: false });
    await connectAndMigrate(dataSource);
    await dataSource.destroy();
    pool = new Pool({ connectionString: database.url, max: 6, application_name: 'fault-driver' });
    pool.on('error', () => undefined);
    const db = pool;
    const clock = new VirtualClock(db, () => T0);
    await clock.set(T0);

    // contacts: dormant ones (inactive for 10 days) and the future sign-ups (created now, never active), in 4 zones
    const old = new Date(T0.getTime() - 10 * 86_400_000);
    await seedContacts(db, options.dormant, { prefix: 'd', lastActiveAt: old, createdAt: old });
    await seedContacts(db, options.signups, { prefix: 's', lastActiveAt: T0, createdAt: T0 });
    await db.query(`UPDATE contacts SET timezone = ($1::text[])[(id % 4) + 1]`, [ZONES]);
    const dormantFlow = await createActiveFlow(db, dormantGraph(), { name: 'dormant', holdoutPercent: 10, activatedAt: T0 });
    const signupFlow = await createActiveFlow(db, signupGraph(), { name: 'signup', holdoutPercent: 10, activatedAt: T0 });

    stub = await startStub(random);
    const stubUrl = stub.url;

    const spawnReplica = (id: number): Replica => {
      const child = spawn(process.execPath, ['-r', '@swc-node/register', 'tests/faults/engine-replica.ts'], {
        cwd: repoRoot,
        env: { ...process.env, DATABASE_URL: database!.url, STUB_URL: stubUrl, REPLICA: String(id) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const replica: Replica = { id, child, output: '', ticks: 0, failedTicks: 0, exited: Promise.resolve() };
      let partial = '';
      child.stdout!.on('data', (c: Buffer) => {
        partial += c.toString();
        const lines = partial.split('\n');
        partial = lines.pop()!;
        for (const line of lines) {
          if (/^tick \d+ ok/.test(line)) replica.ticks++;
          else if (line.startsWith('tick failed')) {
            replica.failedTicks++;
            summary.failedTicks++;
          }
        }
      });
      child.stderr!.on('data', (c: Buffer) => (replica.output = (replica.output + c.toString()).slice(-4000)));
      replica.exited = new Promise<void>((resolve) =>
        child.on('exit', (code, signal) => {
          if (signal !== 'SIGKILL' && code !== 0) exitedReplicaFailures.push(id);
          if (signal !== 'SIGKILL' && code !== 0) log(`replica ${id} exited ${code}: ${replica.output}`);
          resolve();
        }),
      );
      replicas.set(id, replica);
      return replica;
    };
    for (let i = 0; i < options.replicas; i++) spawnReplica(i);

    // the killer: SIGKILL a random replica at a random moment, respawn it; paused around the PostgreSQL restart
    let killsPaused = false;
    const killer = (async () => {
      while (!stopping) {
        await sleep((options.killEvery[0] + random() * (options.killEvery[1] - options.killEvery[0])) * 1000);
        if (stopping || killsPaused) continue;
        const ids = [...replicas.keys()];
        const victim = replicas.get(ids[Math.floor(random() * ids.length)])!;
        victim.child.kill('SIGKILL');
        await victim.exited;
        summary.kills++;
        if (stopping) break;
        spawnReplica(victim.id);
        summary.respawns++;
      }
    })();

    // ingestion and the clock: each step ingests a slice of sign-ups plus conversions and app opens, then moves time
    const stepMinutes = 20;
    const steps = Math.ceil((options.hours * 60) / stepMinutes);
    const perStep = Math.ceil(options.signups / Math.max(1, Math.floor(steps * 0.6)));
    let signedUp = 0;
    let dormantSignups = 0;
    let dormantEnrolled = false;
    const restartAt = Math.floor(steps * 0.4);
    let now = T0;
    for (let step = 0; step < steps; step++) {
      const rows: EventRow[] = [];
      for (let i = 0; i < perStep && signedUp < options.signups; i++, signedUp++)
        rows.push({ e: `s${signedUp}`, n: 'signed_up', t: now.toISOString(), p: {} } as EventRow);
      // dormant contacts already in the inactivity flow sign up too: two flows now send to one contact (caps across flows)
      if (dormantEnrolled) {
        for (let i = 0; i < perStep / 10 && dormantSignups < options.dormant / 5; i++)
          rows.push({ e: `d${dormantSignups++}`, n: 'signed_up', t: now.toISOString(), p: {} } as EventRow);
      }
      // some earlier sign-ups pay (goal), some dormant contacts open the app (condition yes) once they are enrolled
      for (let i = 0; i < perStep / 6 && signedUp > 0; i++)
        rows.push({ e: `s${Math.floor(random() * signedUp)}`, n: 'order_paid', t: now.toISOString(), p: {} } as EventRow);
      if (!dormantEnrolled) {
        const n = await db
          .query<{ n: string }>(`SELECT count(*) n FROM journeys WHERE flow_id = $1`, [dormantFlow])
          .catch(() => ({ rows: [{ n: '0' }] }));
        dormantEnrolled = Number(n.rows[0].n) === options.dormant;
      } else {
        for (let i = 0; i < perStep / 4; i++)
          rows.push({ e: `d${Math.floor(random() * options.dormant)}`, n: 'app_open', t: now.toISOString(), p: {} } as EventRow);
      }
      // ingestion keeps going through the restart: a failed batch is retried until PostgreSQL is back
      for (let attempt = 0; ; attempt++) {
        try {
          await ingestEventRows(db, rows, now, { createContactsOnEvent: false, nonActivityEvents: [] });
          summary.eventsIngested += rows.length;
          break;
        } catch (error) {
          if (attempt > 600) throw error;
          await sleep(100);
        }
      }
      if (step === restartAt) {
        killsPaused = true;
        const t = Date.now();
        log(`restarting PostgreSQL at step ${step}`);
        await database.restart();
        summary.postgresRestarts++;
        // the same engine processes (no respawn while kills are paused) write journey steps again: the journey log,
        // which only the engine writes, grows past where it stood when PostgreSQL came back
        const deadline = t + 30_000;
        const lastLogId = async () => Number((await db.query<{ n: string | null }>(`SELECT max(id) n FROM journey_log`)).rows[0].n ?? 0);
        let mark: number | null = null;
        for (;;) {
          if (Date.now() > deadline) {
            summary.violations.push('the engine did not resume within 30 s of the PostgreSQL restart');
            break;
          }
          const id = await lastLogId().catch(() => null);
          if (id !== null && mark === null) mark = id;
          else if (id !== null && mark !== null && id > mark) break;
          await sleep(50);
        }
        if ([...replicas.values()].some((r) => r.child.exitCode !== null))
          summary.violations.push('an engine replica exited during the restart');
        summary.resumedAfterRestartMs = Date.now() - t;
        log(`engine resumed ${summary.resumedAfterRestartMs} ms after the restart began`);
        killsPaused = false;
      }
      for (;;) {
        try {
          now = await clock.set(new Date(now.getTime() + stepMinutes * 60_000));
          break;
        } catch {
          await sleep(100);
        }
      }
      await sleep(options.stepPauseMs);
      if (step % 30 === 0) log(`step ${step}/${steps}: ${now.toISOString()}, ${summary.kills} kills`);
    }
    while (summary.kills < options.minKills) await sleep(200);
    stopping = true;
    await killer;

    // recovery: providers healthy, time moves on until nothing is due or queued
    stub.mode = 'healthy';
    const drainDeadline = Date.now() + options.drainSeconds * 1000;
    for (let round = 0; ; round++) {
      now = await clock.set(new Date(now.getTime() + 3_600_000));
      await sleep(300);
      const left = await db.query<{ due: string; queued: string; inbox: string }>(
        `SELECT (SELECT count(*) FROM journeys WHERE state IN ('waiting', 'running') AND next_run_at <= $1) due,
                (SELECT count(*) FROM messages WHERE status = 'queued') queued,
                (SELECT count(*) FROM trigger_inbox) inbox`,
        [now],
      );
      const r = left.rows[0];
      if (r.due === '0' && r.queued === '0' && r.inbox === '0' && round >= 48) break;
      if (Date.now() > drainDeadline) {
        summary.violations.push(`the engine did not drain: ${JSON.stringify(r)}`);
        break;
      }
    }
    for (const r of replicas.values()) r.child.kill('SIGTERM');
    await Promise.all([...replicas.values()].map((r) => r.exited));
    if (exitedReplicaFailures.length) summary.violations.push(`replicas exited with an error: ${exitedReplicaFailures.join(', ')}`);

    await check(db, { dormantFlow, signupFlow, stub, options, summary, now, expectedSignups: signedUp + dormantSignups });
    summary.providerCalls = stub.calls;
    summary.providerFailures = stub.failures;
    summary.providerHangs = stub.hangs;
    summary.resentKeys = stub.resent;
  } finally {
    stopping = true;
    for (const r of replicas.values()) if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGKILL');
    await Promise.all([...replicas.values()].map((r) => r.exited));
    await stub?.close();
    await pool?.end();
    await database?.stop();
    rmSync(dir, { recursive: true, force: true });
    summary.wallSeconds = Math.round((Date.now() - started) / 1000);
  }
  return summary;
}

async function check(
  db: Pool,
  ctx: {
    dormantFlow: string;
    signupFlow: string;
    stub: Stub;
    options: FaultOptions;
    summary: FaultSummary;
    now: Date;
    expectedSignups: number;
  },
): Promise<void> {
  const { summary, stub } = ctx;
  const violations = summary.violations;
  const n = async (sql: string, params: unknown[] = []) => Number((await db.query<{ n: string }>(sql, params)).rows[0].n);
  const expectZero = async (what: string, sql: string, params: unknown[] = []) => {
    const found = await n(sql, params);
    if (found !== 0) violations.push(`${what}: ${found}`);
    return found;
  };

  const states = await db.query<{ state: string; n: string }>(`SELECT state, count(*) n FROM journeys GROUP BY state ORDER BY state`);
  summary.journeysByState = Object.fromEntries(states.rows.map((r) => [r.state, Number(r.n)]));
  summary.journeys = states.rows.reduce((a, r) => a + Number(r.n), 0);

  // legal states: ended journeys have no due time or wait; waiting ones are due later, at a delay or a held channel node
  await expectZero('journeys in an illegal state', `SELECT count(*) n FROM journeys WHERE state IN ('running', 'failed')`);
  await expectZero(
    'ended journeys still scheduled',
    `SELECT count(*) n FROM journeys WHERE state IN ('completed', 'converted', 'exited') AND (next_run_at IS NOT NULL OR wait IS NOT NULL)`,
  );
  await expectZero(
    'waiting journeys overdue or without a due time',
    `SELECT count(*) n FROM journeys WHERE state = 'waiting' AND (next_run_at IS NULL OR next_run_at <= $1)`,
    [ctx.now],
  );
  await expectZero(
    'converted journeys without a goal log row',
    `SELECT count(*) n FROM journeys j WHERE state = 'converted' AND NOT EXISTS (SELECT 1 FROM journey_log l WHERE l.journey_id = j.id AND l.kind IN ('goal', 'converted', 'exit'))`,
  );

  // every step logged once: visit rows = step_seq, no node visited twice (these graphs have no loop)
  await expectZero(
    'journeys whose visit log rows differ from their steps',
    `SELECT count(*) n FROM journeys j WHERE j.step_seq <> (SELECT count(*) FROM journey_log l WHERE l.journey_id = j.id AND l.step IS NOT NULL)`,
  );
  await expectZero(
    'visits logged twice (a step number written twice, or a node visited twice)',
    `SELECT count(*) n FROM (SELECT 1 FROM journey_log WHERE step IS NOT NULL GROUP BY journey_id, step HAVING count(*) > 1
                             UNION ALL SELECT 1 FROM journey_log WHERE step IS NOT NULL GROUP BY journey_id, node_id HAVING count(*) > 1) x`,
  );
  await expectZero(
    'journeys entered twice',
    `SELECT count(*) n FROM (SELECT 1 FROM journey_log WHERE kind = 'entered' GROUP BY journey_id HAVING count(*) > 1) x`,
  );

  // every received event of an active flow enrolled; every dormant contact enrolled once
  const lostSignups = await n(
    `SELECT count(DISTINCT e.contact_id) n FROM events e WHERE e.name = 'signed_up'
       AND NOT EXISTS (SELECT 1 FROM journeys j WHERE j.flow_id = $1 AND j.contact_id = e.contact_id)`,
    [ctx.signupFlow],
  );
  const signedUp = await n(`SELECT count(DISTINCT contact_id) n FROM events WHERE name = 'signed_up'`);
  if (signedUp !== ctx.expectedSignups) violations.push(`contacts with a stored sign-up ${signedUp}, ingested ${ctx.expectedSignups}`);
  const lostDormant = await n(
    `SELECT count(*) n FROM contacts c WHERE c.external_id LIKE 'd%' AND NOT EXISTS (SELECT 1 FROM journeys j WHERE j.flow_id = $1 AND j.contact_id = c.id)`,
    [ctx.dormantFlow],
  );
  const inbox = await n(`SELECT count(*) n FROM trigger_inbox`);
  const doubleEnrolled = await n(`SELECT count(*) n FROM (SELECT 1 FROM journeys GROUP BY flow_id, contact_id HAVING count(*) > 1) x`);
  if (lostSignups) violations.push(`sign-ups never enrolled: ${lostSignups}`);
  if (lostDormant) violations.push(`dormant contacts never enrolled: ${lostDormant}`);
  if (inbox) violations.push(`trigger_inbox rows left: ${inbox}`);
  if (doubleEnrolled) violations.push(`contacts enrolled twice in one flow: ${doubleEnrolled}`);

  // messages: one per idempotency key (unique), none queued, delivered ⇔ the stub accepted the key exactly once
  const msgs = await db.query<{ key: string; status: string; channel: string; attempts: number }>(
    `SELECT idempotency_key AS key, status, channel, attempts FROM messages`,
  );
  summary.messages = msgs.rows.length;
  const delivered = msgs.rows.filter((m) => m.status === 'sent' || m.status === 'delivered');
  summary.messagesDelivered = delivered.length;
  summary.messagesFailedAfterRetries = msgs.rows.filter((m) => m.status === 'failed').length;
  const queued = msgs.rows.filter((m) => m.status === 'queued').length;
  if (queued) violations.push(`messages still queued after recovery: ${queued}`);
  const keys = new Set(msgs.rows.map((m) => m.key));
  if (keys.size !== msgs.rows.length) violations.push(`message rows sharing an idempotency key: ${msgs.rows.length - keys.size}`);
  let duplicates = 0;
  for (const count of stub.delivered.values()) if (count > 1) duplicates++;
  let lost = 0;
  for (const m of delivered) if (!stub.delivered.has(m.key)) lost++;
  let unrecorded = 0;
  const byKey = new Map(msgs.rows.map((m) => [m.key, m]));
  for (const key of stub.delivered.keys()) {
    const m = byKey.get(key);
    if (m && m.status === 'failed' && (stub.callsByKey.get(key) ?? 0) > m.attempts) {
      // accepted on an attempt whose process was SIGKILLed before recording it (rolled back, not counted), then
      // every recorded attempt met an injected fault: delivered once, recorded as failed after its retries
      summary.deliveredButRecordedFailed++;
      continue;
    }
    if (!m || (m.status !== 'sent' && m.status !== 'delivered')) unrecorded++;
  }
  summary.duplicates = duplicates + (msgs.rows.length - keys.size);
  summary.lost = lost + unrecorded + lostSignups + lostDormant + inbox;
  if (duplicates) violations.push(`keys delivered more than once by the provider: ${duplicates}`);
  if (lost) violations.push(`messages recorded as sent that the provider never accepted: ${lost}`);
  if (unrecorded) violations.push(`messages the provider accepted but the database does not record as sent: ${unrecorded}`);
  // a message failed after its retries must have used them all (never failed early by a fault)
  await expectZero(
    'failed messages with fewer than 5 attempts',
    `SELECT count(*) n FROM messages WHERE status = 'failed' AND attempts < 5`,
  );
  await expectZero(
    'holdout journeys with messages',
    `SELECT count(*) n FROM messages m JOIN journeys j ON j.id = m.journey_id WHERE j.holdout`,
  );

  // no send in quiet hours (21:00–09:00 in the contact's zone), none over a cap (push ≤ 1 a day, all ≤ 3 a week)
  await expectZero(
    'sends inside quiet hours',
    `SELECT count(*) n FROM messages m JOIN contacts c ON c.id = m.contact_id
      WHERE m.status IN ('sent', 'delivered') AND m.channel <> 'webhook'
        AND ((m.sent_at AT TIME ZONE COALESCE(c.timezone, 'UTC'))::time >= '21:00' OR (m.sent_at AT TIME ZONE COALESCE(c.timezone, 'UTC'))::time < '09:00')`,
  );
  await expectZero(
    'delivery attempts inside quiet hours',
    `SELECT count(*) n FROM journey_log l JOIN journeys j ON j.id = l.journey_id JOIN contacts c ON c.id = j.contact_id
      WHERE l.kind = 'delivery'
        AND ((l.at AT TIME ZONE COALESCE(c.timezone, 'UTC'))::time >= '21:00' OR (l.at AT TIME ZONE COALESCE(c.timezone, 'UTC'))::time < '09:00')`,
  );
  await expectZero(
    'pushes over the daily cap',
    `SELECT count(*) n FROM messages a JOIN messages b ON b.contact_id = a.contact_id AND b.id <> a.id AND b.channel = 'push'
        AND b.created_at > a.created_at - interval '1 day' AND b.created_at <= a.created_at
      WHERE a.channel = 'push' AND a.status <> 'failed' AND b.status <> 'failed'`,
  );
  await expectZero(
    'sends over the weekly cap',
    `SELECT count(*) n FROM messages a WHERE a.status <> 'failed' AND 3 < (SELECT count(*) FROM messages b WHERE b.contact_id = a.contact_id
        AND b.status <> 'failed' AND b.created_at > a.created_at - interval '7 days' AND b.created_at <= a.created_at)`,
  );
  summary.heldAtSend = await n(`SELECT count(*) n FROM journey_log WHERE kind = 'guardrail' AND detail ? 'atSend'`);
}

export function formatSummary(s: FaultSummary): string {
  const rows: [string, string | number][] = [
    ['engine replicas SIGKILLed (respawned)', `${s.kills} (${s.respawns})`],
    ['PostgreSQL restarts (engine resumed after)', `${s.postgresRestarts} (${s.resumedAfterRestartMs ?? '-'} ms)`],
    ['ticks failed and retried in-process', s.failedTicks],
    ['provider calls / 500s / hangs', `${s.providerCalls} / ${s.providerFailures} / ${s.providerHangs}`],
    ['keys re-sent after a crash (deduplicated by key)', s.resentKeys],
    ['events ingested', s.eventsIngested],
    ['journeys', `${s.journeys} ${JSON.stringify(s.journeysByState)}`],
    ['messages (delivered, failed after 5 attempts)', `${s.messages} (${s.messagesDelivered}, ${s.messagesFailedAfterRetries})`],
    ['held by quiet hours at send time', s.heldAtSend],
    ['delivered on a killed attempt, then failed after retries', s.deliveredButRecordedFailed],
    ['duplicates', s.duplicates],
    ['lost', s.lost],
    ['violations', s.violations.length],
    ['wall time', `${s.wallSeconds} s`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return [
    '| what | count |',
    '|---|---|',
    ...rows.map(([k, v]) => `| ${k.padEnd(width)} | ${v} |`),
    ...s.violations.map((v) => `violation: ${v}`),
  ].join('\n');
}
