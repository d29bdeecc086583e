/**
 * Engine replicas as separate OS processes on the Citus cluster, claims per contact bucket: one is killed with
 * SIGKILL inside a batch transaction (journeys locked on their shards, steps, log rows and messages written, nothing
 * committed), another keeps ticking beside it, and a restarted replica finishes the tick. No journey is lost, none
 * is stepped twice, every message is queued and delivered once.
 */
import type { ChildProcess } from 'node:child_process';
import type { Pool } from 'pg';
import { VirtualClock } from '@boomerang/engine';
import { Engine } from '@boomerang/engine/runtime';
import { count, countWaitingAfterSend, createActiveFlow, seedContacts, sendThenWaitGraph } from '../support/engine-fixtures';
import { spawnEngineWorker, waitUntil, type EngineWorker } from '../support/process';
import { citusPool, citusUrl, truncateCluster } from './citus-database';

const T0 = new Date('2026-03-02T12:00:00Z');
const N = 300;

let db: Pool;
const children: ChildProcess[] = [];

beforeAll(() => {
  db = citusPool(10);
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await db.end();
});
beforeEach(() => truncateCluster(db));

function replica(name: string, env: Record<string, string> = {}): EngineWorker {
  const started = spawnEngineWorker({
    DATABASE_URL: citusUrl(),
    ENGINE_NOW: T0.toISOString(),
    // no claim option: each replica finds out itself that contacts are sharded, as a deployed engine does
    ENGINE_BATCH_SIZE: '50',
    ENGINE_APPLICATION_NAME: name,
    ...env,
  });
  children.push(started.child);
  return started;
}

/** Coordinator sessions of one replica waiting for a lock. */
const waitingOnLocks = (name: string) =>
  count(db, `SELECT count(*) n FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'`, [name]);

/** Coordinator sessions of one replica inside a transaction. */
const openTransactions = (name: string) =>
  count(db, `SELECT count(*) n FROM pg_stat_activity WHERE application_name = $1 AND state LIKE 'idle in transaction%'`, [name]);

describe('a replica killed on Citus', () => {
  it('SIGKILL inside a batch: the others finish, no journey lost, no message doubled, each delivered once', async () => {
    await seedContacts(db, N, { prefix: 'k' });
    const flowId = await createActiveFlow(db, sendThenWaitGraph());
    expect(await new Engine({ db, clock: new VirtualClock(db, () => T0), claimByBucket: true }).enroll(T0)).toBe(N);
    const started = Date.now();

    const doomed = replica('replica-doomed', { ENGINE_SLEEP_BEFORE_COMMIT_MS: '600000' });
    await waitUntil(() => doomed.output().includes('holding'), 'the doomed replica to hold its first batch', 90_000);
    // it holds a batch: its journeys locked on their shards, their steps, log rows and messages written, uncommitted
    expect(await openTransactions('replica-doomed')).toBeGreaterThan(0);
    const survivor = replica('replica-survivor');
    // the survivor ticks beside it until its batch writes wait on the doomed replica's open batch (a multi-shard
    // write holds its shards until COMMIT, see docs/SCALING.md §5), or until it is done
    let stalled = false;
    await waitUntil(
      async () => (stalled = (await waitingOnLocks('replica-survivor')) > 0) || survivor.child.exitCode !== null,
      'the survivor to stall or finish',
      90_000,
    );
    // engine sessions turn off Citus's shard-wide lock for multi-shard writes (ENGINE_SESSION_OPTIONS): the survivor
    // never waits on the doomed replica's open batch, it walks past its rows and finishes
    expect(stalled).toBe(false);
    doomed.child.kill('SIGKILL');
    expect(await doomed.exited).toBeNull();
    expect(await survivor.exited).toBe(0);
    const survived = JSON.parse(/done (.*)/.exec(survivor.output())![1]) as { claimed: number; sent: number };
    // the survivor walked past the doomed replica's locked batch
    expect(survived.claimed).toBeGreaterThan(0);
    await waitUntil(async () => (await openTransactions('replica-doomed')) === 0, 'the killed replica’s transaction to roll back');

    const restarted = replica('replica-restarted');
    expect(await restarted.exited).toBe(0);
    const finished = JSON.parse(/done (.*)/.exec(restarted.output())![1]) as { claimed: number; sent: number };
    const elapsedMs = Date.now() - started;
    expect(survived.claimed + finished.claimed).toBe(N);
    expect(survived.sent + finished.sent).toBe(N);

    // every journey stepped exactly once through trigger, channel and delay
    expect(await countWaitingAfterSend(db, flowId)).toBe(N);
    expect(
      await count(
        db,
        `SELECT count(*) n FROM (SELECT journey_id FROM journey_log WHERE step IS NOT NULL GROUP BY journey_id HAVING count(*) <> 3) x`,
      ),
    ).toBe(0);
    expect(await count(db, `SELECT count(*) n FROM journey_log WHERE kind = 'entered'`)).toBe(N);
    // one message per journey, delivered at its first attempt, one delivery log row each
    expect(await count(db, `SELECT count(*) n FROM messages`)).toBe(N);
    expect(await count(db, `SELECT count(DISTINCT journey_id) n FROM messages`)).toBe(N);
    expect(await count(db, `SELECT count(*) n FROM messages WHERE status = 'delivered' AND attempts = 1`)).toBe(N);
    expect(await count(db, `SELECT count(*) n FROM journey_log WHERE kind = 'delivery'`)).toBe(N);
    console.log(
      `citus replica kill: ${N} journeys; killed replica held a batch of 50, survivor ${stalled ? 'stalled until the kill, then ' : ''}claimed ${survived.claimed}, ` +
        `restarted replica ${finished.claimed}; 0 lost, 0 doubled, ${N} delivered once; ${elapsedMs} ms`,
    );
  });
});
