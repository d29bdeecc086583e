import type { ChildProcess } from 'node:child_process';
import { Pool } from 'pg';
import { Engine, loadEngineSettings, SystemClock } from '@boomerang/engine/runtime';
import { createMigratedDatabase, type MigratedDatabase } from '../support/database';
import { count, createActiveFlow, seedContacts, sendThenWaitGraph } from '../support/engine-fixtures';
import { spawnEngineWorker, waitUntil, type EngineWorker } from '../support/process';

const T0 = new Date('2026-03-02T12:00:00Z');
const N = 5000;

let database: MigratedDatabase;
let pools: Pool[] = [];
let children: ChildProcess[] = [];

function pool(application = 'engine-test'): Pool {
  const p = new Pool({ connectionString: database.url, max: 4, application_name: application });
  // an idle connection ended by the server (the DROP DATABASE … WITH (FORCE) of the teardown) is not a failure
  p.on('error', () => undefined);
  pools.push(p);
  return p;
}

function runner(p: Pool, batchSize = 250): Engine {
  return new Engine({ db: p, clock: new SystemClock(), batchSize });
}

function worker(env: Record<string, string>): EngineWorker {
  const started = spawnEngineWorker({ DATABASE_URL: database.url, ENGINE_NOW: T0.toISOString(), ...env });
  children.push(started.child);
  return started;
}

/** 5,000 journeys enrolled and due (waiting at the trigger), nothing advanced yet. */
async function seedDueJourneys(p: Pool): Promise<string> {
  await seedContacts(p, N, { prefix: 'c' });
  const flowId = await createActiveFlow(p, sendThenWaitGraph(), { holdoutPercent: 10 });
  expect(await runner(p).enroll(T0)).toBe(N);
  return flowId;
}

/** Every journey stepped exactly once (trigger, channel, delay), one message per non-holdout journey, no duplicates. */
async function expectExactlyOnce(p: Pool): Promise<void> {
  expect(await count(p, `SELECT count(*) n FROM journeys WHERE state = 'waiting' AND current_node_id = 'd' AND step_seq = 3`)).toBe(N);
  expect(
    await count(
      p,
      `SELECT count(*) n FROM (SELECT journey_id FROM journey_log WHERE step IS NOT NULL GROUP BY journey_id HAVING count(*) <> 3) x`,
    ),
  ).toBe(0);
  expect(await count(p, `SELECT count(*) n FROM journey_log WHERE kind = 'entered'`)).toBe(N);
  const holdout = await count(p, `SELECT count(*) n FROM journeys WHERE holdout`);
  expect(holdout).toBeGreaterThan(N * 0.05);
  expect(holdout).toBeLessThan(N * 0.15);
  expect(await count(p, `SELECT count(*) n FROM messages`)).toBe(N - holdout);
  expect(await count(p, `SELECT count(DISTINCT journey_id) n FROM messages`)).toBe(N - holdout);
  expect(await count(p, `SELECT count(*) n FROM messages m JOIN journeys j ON j.id = m.journey_id WHERE j.holdout`)).toBe(0);
  expect(await count(p, `SELECT count(*) n FROM messages WHERE status = 'delivered' AND attempts = 1`)).toBe(N - holdout);
  expect(await count(p, `SELECT count(*) n FROM journey_log WHERE kind = 'delivery'`)).toBe(N - holdout);
}

beforeEach(async () => {
  database = await createMigratedDatabase('engine_concurrency', 2);
});
afterEach(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  children = [];
  await Promise.all(pools.map((p) => p.end()));
  pools = [];
  await database.close();
});

describe('engine concurrency', () => {
  it('two runners with separate pools ticking at once execute every step exactly once', async () => {
    const a = pool('engine-a');
    const b = pool('engine-b');
    await seedDueJourneys(a);
    const [ra, rb] = await Promise.all([runner(a).tick(T0), runner(b).tick(T0)]);
    expect(ra.claimed + rb.claimed).toBe(N);
    expect(ra.steps + rb.steps).toBe(3 * N);
    await expectExactlyOnce(a);
  });

  it('a child engine process and this one share the work with nothing doubled', async () => {
    const p = pool();
    await seedDueJourneys(p);
    const child = worker({ ENGINE_BATCH_SIZE: '200', ENGINE_SLEEP_BEFORE_COMMIT_MS: '20' });
    await waitUntil(() => child.output().includes('holding'), 'the worker to hold its first batch');
    const mine = await runner(p, 200).tick(T0);
    expect(await child.exited).toBe(0);
    const theirs = JSON.parse(/done (.*)/.exec(child.output())![1]);
    expect(mine.claimed).toBeGreaterThan(0);
    expect(theirs.claimed).toBeGreaterThan(0);
    expect(mine.claimed + theirs.claimed).toBe(N);
    await expectExactlyOnce(p);
  });

  it('a child killed with SIGKILL inside its batch transaction leaves nothing half-written; the next tick finishes', async () => {
    const p = pool();
    await seedDueJourneys(p);
    const child = worker({ ENGINE_BATCH_SIZE: '1000', ENGINE_SLEEP_BEFORE_COMMIT_MS: '600000' });
    await waitUntil(() => child.output().includes('holding'), 'the worker to hold its batch');
    // it holds 1,000 journeys locked with their updates, logs and messages written but not committed
    expect(
      await count(
        p,
        `SELECT count(*) n FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE a.application_name = 'engine-worker' AND l.locktype = 'transactionid'`,
      ),
    ).toBeGreaterThan(0);
    child.child.kill('SIGKILL');
    await child.exited;
    await waitUntil(
      async () => (await count(p, `SELECT count(*) n FROM pg_stat_activity WHERE application_name = 'engine-worker'`)) === 0,
      'the killed backend to roll back',
    );
    expect(await count(p, `SELECT count(*) n FROM journey_log`)).toBe(0);
    expect(await count(p, `SELECT count(*) n FROM messages`)).toBe(0);
    expect(await count(p, `SELECT count(*) n FROM journeys WHERE step_seq = 0 AND current_node_id = 't'`)).toBe(N);
    const report = await runner(p).tick(T0);
    expect(report.claimed).toBe(N);
    await expectExactlyOnce(p);
  });

  it('a dispatcher killed after claiming re-sends the same key once its lease expires, never doubling the message', async () => {
    const p = pool();
    await seedContacts(p, 50, { prefix: 'd' });
    await createActiveFlow(p, sendThenWaitGraph());
    const sent: string[] = [];
    // the crash: a dispatcher claimed every message (lease + attempt) and died before recording anything
    const e1 = new Engine({ db: p, clock: new SystemClock() });
    await e1.enroll(T0);
    await e1.runDue(T0, await loadEngineSettings(p), {
      now: T0,
      enrolled: 0,
      steps: 0,
      claimed: 0,
      batches: 0,
      queued: 0,
      sent: 0,
      failed: 0,
    });
    await p.query(`UPDATE messages SET next_attempt_at = $1::timestamptz + interval '5 minutes', attempts = 1`, [T0]);
    const recorder = {
      name: 'rec',
      send: async (m: { idempotencyKey: string; messageId: string }) => (
        sent.push(m.idempotencyKey),
        { providerId: m.messageId, status: 'delivered' as const }
      ),
    };
    const e2 = new Engine({ db: p, clock: new SystemClock(), adapters: { push: recorder } });
    expect((await e2.tick(new Date(T0.getTime() + 60_000))).sent).toBe(0); // lease still held
    expect((await e2.tick(new Date(T0.getTime() + 301_000))).sent).toBe(50);
    expect(new Set(sent).size).toBe(50);
    expect(await count(p, `SELECT count(*) n FROM messages WHERE status = 'delivered' AND attempts = 2`)).toBe(50);
  });
});
