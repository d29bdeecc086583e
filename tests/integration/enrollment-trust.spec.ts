/**
 * Enrollment you can trust (issue #8): every event received while an event-triggered flow is active enrols its
 * contact once, whatever its `occurredAt` and however late its ingest transaction commits; inactivity and segment
 * triggers enrol incrementally between sweeps; an idle tick is one statement.
 */
import { spawn } from 'node:child_process';
import fc from 'fast-check';
import { Pool, type PoolClient } from 'pg';
import { VirtualClock } from '@boomerang/engine';
import { Engine, ingestEventRows, type Db, type EventRow } from '@boomerang/engine/runtime';
import { createMigratedDatabase, type MigratedDatabase } from '../support/database';
import { repoRoot } from '../support/process';
import {
  count,
  createActiveFlow,
  ingestEvents,
  makeNewVersionLive,
  seedContacts,
  sendThenWaitGraph,
  setFlowStatus,
} from '../support/engine-fixtures';

const T0 = new Date('2026-03-02T12:00:00Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const defaults = { createContactsOnEvent: true, nonActivityEvents: [] };

let database: MigratedDatabase;
let pools: Pool[] = [];

function pool(max = 4): Pool {
  const p = new Pool({ connectionString: database.url, max });
  p.on('error', () => undefined); // a backend ended by DROP DATABASE at teardown
  pools.push(p);
  return p;
}

beforeEach(async () => {
  database = await createMigratedDatabase('enroll_trust');
});
afterEach(async () => {
  await Promise.all(pools.map((p) => p.end()));
  pools = [];
  await database.close();
});

const eventFlow = (event = 'signed_up', extra: Record<string, unknown> = {}) => sendThenWaitGraph({ kind: 'event', event, ...extra });
const engineOn = (db: Db, warnings: string[] = []) =>
  new Engine({
    db,
    clock: new VirtualClock(db, () => T0),
    batchSize: 100,
    logger: { warn: (m) => warnings.push(m), error: (m) => warnings.push(m) },
  });
const events = (ids: string[], name: string, occurred: Date): EventRow[] =>
  ids.map((e) => ({ e, n: name, t: occurred.toISOString(), p: {} }));
const journeysOf = (db: Pool, flowId: string) => count(db, `SELECT count(*) n FROM journeys WHERE flow_id = $1`, [flowId]);

/** `base` with every statement passed through `before` first (pooled clients are wrapped, never patched). */
function intercepted(base: Pool, before: (sql: string) => Promise<void> | void): Db {
  const wrap = (client: PoolClient): PoolClient =>
    new Proxy(client, {
      get(target, property, receiver) {
        if (property !== 'query') return Reflect.get(target, property, receiver);
        return async (...args: unknown[]) => {
          await before(String(args[0]));
          return (target.query as (...a: unknown[]) => Promise<unknown>)(...args);
        };
      },
    });
  return {
    query: (async (...args: unknown[]) => {
      await before(String(args[0]));
      return (base.query as (...a: unknown[]) => Promise<unknown>)(...args);
    }) as Db['query'],
    connect: (async () => wrap(await base.connect())) as Db['connect'],
  };
}

/**
 * The ingest statement run inside a transaction that stays open until `commit()`: an ingest that a slow client, a
 * lock wait or a busy server makes commit after a tick has read the tables.
 */
async function openIngest(base: Pool, rows: EventRow[], now: Date): Promise<{ commit: () => Promise<void> }> {
  const client = await base.connect();
  await client.query('BEGIN');
  await ingestEventRows(client, rows, now, defaults);
  return {
    commit: async () => {
      await client.query('COMMIT');
      client.release();
    },
  };
}

describe('event triggers enrol from what was received and committed', () => {
  it('enrols events stamped with the clock instant of the last tick (virtual clock)', async () => {
    const db = pool();
    const flowId = await createActiveFlow(db, eventFlow());
    const engine = engineOn(db);
    await engine.tick(T0);
    // ingestion stamps the clock's now, equal to the last tick's now: a watermark `> last tick` never saw these
    await ingestEventRows(db, events(['a', 'b', 'c', 'd'], 'signed_up', T0), T0, defaults);
    const report = await engine.tick(at(24 * 60));
    expect(report.enrolled).toBe(4);
    expect(await journeysOf(db, flowId)).toBe(4);
  });

  it('enrols an ingest whose transaction commits after a tick has read past it', async () => {
    const db = pool();
    const flowId = await createActiveFlow(db, eventFlow());
    const engine = engineOn(db);
    await engine.tick(at(0));
    const held = await openIngest(db, events(['late1', 'late2'], 'signed_up', at(1)), at(1)); // written, not committed
    expect((await engine.tick(at(2))).enrolled).toBe(0); // cannot see them yet
    await held.commit();
    expect((await engine.tick(at(3))).enrolled).toBe(2);
    expect(await journeysOf(db, flowId)).toBe(2);
  });

  it('enrols late events whatever their occurredAt, and ignores those older than maxAge with a log line', async () => {
    const db = pool();
    const anyAge = await createActiveFlow(db, eventFlow('signed_up'), { name: 'any age' });
    const fresh = await createActiveFlow(db, eventFlow('signed_up', { maxAge: 'P1D' }), { name: 'fresh only' });
    const warnings: string[] = [];
    const engine = engineOn(db, warnings);
    await engine.tick(at(0));
    await ingestEventRows(db, events(['old'], 'signed_up', new Date(T0.getTime() - 30 * 86_400_000)), at(1), defaults);
    await ingestEventRows(db, events(['new'], 'signed_up', at(1)), at(1), defaults);
    await engine.tick(at(2));
    expect(await journeysOf(db, anyAge)).toBe(2);
    expect(await journeysOf(db, fresh)).toBe(1);
    expect(warnings).toEqual([
      expect.stringMatching(/1 "signed_up" event\(s\) ignored: they occurred more than maxAge P1D before they were received/),
    ]);
    expect(await count(db, `SELECT count(*) n FROM trigger_inbox`)).toBe(0);
  });

  it('keeps what was received while active across pause and resume, and takes nothing received while paused', async () => {
    const db = pool();
    const flowId = await createActiveFlow(db, eventFlow());
    const engine = engineOn(db);
    await ingestEventRows(db, events(['before-pause'], 'signed_up', at(0)), at(0), defaults);
    await setFlowStatus(db, flowId, 'paused');
    expect((await engine.tick(at(1))).enrolled).toBe(0);
    await ingestEventRows(db, events(['while-paused'], 'signed_up', at(2)), at(2), defaults);
    await setFlowStatus(db, flowId, 'active');
    expect((await engine.tick(at(3))).enrolled).toBe(1);
    const enrolled = await db.query(`SELECT c.external_id FROM journeys j JOIN contacts c ON c.id = j.contact_id WHERE j.flow_id = $1`, [
      flowId,
    ]);
    expect(enrolled.rows).toEqual([{ external_id: 'before-pause' }]);
  });

  it('enrols queued events into the version that is live when they are drained, and once only', async () => {
    const db = pool();
    const flowId = await createActiveFlow(db, eventFlow());
    const engine = engineOn(db);
    await ingestEventRows(db, events(['x', 'y'], 'signed_up', at(0)), at(0), defaults);
    await ingestEventRows(db, events(['x'], 'signed_up', at(0)), at(0), defaults); // a second event of x: still one journey
    await makeNewVersionLive(db, flowId, eventFlow());
    expect((await engine.tick(at(1))).enrolled).toBe(2);
    expect(await count(db, `SELECT count(*) n FROM journeys WHERE flow_id = $1 AND flow_version = 2`, [flowId])).toBe(2);
    expect((await engine.tick(at(2))).enrolled).toBe(0);
  });

  it('every received event enrols its contact exactly once under random interleavings of ingest batches and two engines', async () => {
    const base = pool(12);
    const flowId = await createActiveFlow(base, eventFlow('signed_up', { reentry: { cooldown: 'PT1M' } }));
    const engines = [engineOn(pool()), engineOn(pool())];
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            fc.record({
              kind: fc.constant('ingest' as const),
              contacts: fc.uniqueArray(fc.integer({ min: 0, max: 59 }), { minLength: 1, maxLength: 12 }),
              ageDays: fc.integer({ min: 0, max: 40 }),
              held: fc.boolean(),
            }),
            fc.record({ kind: fc.constant('tick' as const), engine: fc.integer({ min: 0, max: 1 }) }),
          ),
          { minLength: 4, maxLength: 14 },
        ),
        async (ops) => {
          await base.query(`TRUNCATE journeys, trigger_inbox, events, contacts CASCADE`);
          let minute = 0;
          const received = new Set<string>();
          const inFlight: Promise<unknown>[] = [];
          const releases: (() => Promise<void>)[] = [];
          for (const op of ops) {
            minute++;
            if (op.kind === 'tick') {
              inFlight.push(engines[op.engine].tick(at(minute)));
              continue;
            }
            const ids = op.contacts.map((n) => `p${n}`);
            // each contact gets at most one event per run, so "exactly once" is what the cooldown allows
            const fresh = ids.filter((id) => !received.has(id));
            if (!fresh.length) continue;
            fresh.forEach((id) => received.add(id));
            const rows = events(fresh, 'signed_up', new Date(at(minute).getTime() - op.ageDays * 86_400_000));
            if (op.held) releases.push((await openIngest(base, rows, at(minute))).commit);
            else inFlight.push(ingestEventRows(base, rows, at(minute), defaults));
            if (releases.length && minute % 3 === 0) inFlight.push(releases.shift()!());
          }
          await Promise.all(releases.map((commit) => commit()));
          await Promise.all(inFlight);
          await engines[0].tick(at(minute + 1));
          const perContact = await base.query<{ external_id: string; n: number }>(
            `SELECT c.external_id, count(j.id)::int AS n FROM contacts c LEFT JOIN journeys j ON j.contact_id = c.id AND j.flow_id = $1 GROUP BY 1`,
            [flowId],
          );
          expect(perContact.rows.filter((r) => r.n !== 1)).toEqual([]);
          expect(perContact.rows.length).toBe(received.size);
          expect(await count(base, `SELECT count(*) n FROM trigger_inbox`)).toBe(0);
        },
      ),
      { numRuns: 25 },
    );
  });
});

describe('two engine processes and concurrent ingestion', () => {
  it('enrol every received event exactly once while both tick and some ingests commit late', async () => {
    const base = pool(12);
    const flowId = await createActiveFlow(base, eventFlow('winback'));
    const workers = [0, 1].map(() => {
      const child = spawn(process.execPath, ['-r', '@swc-node/register', 'tests/support/engine-worker.ts'], {
        cwd: repoRoot,
        env: { ...process.env, DATABASE_URL: database.url, ENGINE_LOOP_MS: '20', ENGINE_BATCH_SIZE: '200' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      return { child, output: () => out, exited };
    });
    try {
      for (const w of workers) while (!w.output().includes('looping')) await new Promise((r) => setTimeout(r, 50));
      const N = 5000;
      let next = 0;
      await Promise.all(
        Array.from({ length: 4 }, async (_, lane) => {
          for (let round = 0; next < N; round++) {
            const from = next;
            next += 250;
            const rows = events(
              Array.from({ length: 250 }, (_, k) => `w${from + k}`),
              'winback',
              new Date(Date.now() - (round % 3) * 86_400_000),
            );
            if ((lane + round) % 4 === 0) {
              // this one commits only after both engines had time to tick past it
              const held = await openIngest(base, rows, new Date());
              await new Promise((r) => setTimeout(r, 150));
              await held.commit();
            } else {
              await ingestEventRows(base, rows, new Date(), defaults);
            }
          }
        }),
      );
      for (let i = 0; i < 200 && (await count(base, `SELECT count(*) n FROM trigger_inbox`)) > 0; i++)
        await new Promise((r) => setTimeout(r, 100));
    } finally {
      for (const w of workers) w.child.kill('SIGTERM');
      await Promise.all(workers.map((w) => w.exited));
    }
    const reports = workers.map((w) => JSON.parse(/done (.*)/.exec(w.output())![1]) as { ticks: number; enrolled: number });
    expect(reports.every((r) => r.ticks > 1)).toBe(true);
    expect(reports[0].enrolled + reports[1].enrolled).toBe(5000);
    expect(await count(base, `SELECT count(*) n FROM journeys WHERE flow_id = $1`, [flowId])).toBe(5000);
    expect(await count(base, `SELECT count(DISTINCT contact_id) n FROM journeys WHERE flow_id = $1`, [flowId])).toBe(5000);
  });
});

describe('inactivity and segment triggers enrol incrementally between sweeps', () => {
  const inactiveFlow = (extra: Record<string, unknown> = {}) => sendThenWaitGraph({ kind: 'inactive', days: 7, ...extra });

  it('enrols the contacts that crossed the threshold since the last tick without a sweep', async () => {
    const db = pool();
    const flowId = await createActiveFlow(db, inactiveFlow());
    await seedContacts(db, 3, { prefix: 'old', lastActiveAt: new Date(T0.getTime() - 30 * 86_400_000) });
    const crossing = await seedContacts(db, 2, { prefix: 'soon', lastActiveAt: new Date(T0.getTime() - 7 * 86_400_000 + 30 * 60_000) });
    await seedContacts(db, 1, { prefix: 'never', lastActiveAt: null, createdAt: new Date(T0.getTime() - 7 * 86_400_000 + 45 * 60_000) });
    const engine = engineOn(db);
    expect((await engine.tick(at(0))).enrolled).toBe(3); // the first enrollment is a sweep
    const swept = await db.query(`SELECT last_swept_at FROM flows WHERE id = $1`, [flowId]);
    expect(swept.rows[0].last_swept_at).toEqual(at(0));
    expect((await engine.tick(at(40))).enrolled).toBe(2); // the two that crossed at +30 min
    expect((await engine.tick(at(50))).enrolled).toBe(1); // the never-active contact, counted from created_at
    expect((await db.query(`SELECT last_swept_at FROM flows WHERE id = $1`, [flowId])).rows[0].last_swept_at).toEqual(at(0));
    expect(crossing).toHaveLength(2);
  });

  it('enrols a contact whose audience changed, and one whose cooldown ran out, between sweeps', async () => {
    const db = pool();
    const flowId = await createActiveFlow(
      db,
      inactiveFlow({ audience: { attribute: 'tier', op: 'eq', value: 'gold' }, reentry: { cooldown: 'PT30M' } }),
    );
    const [silver] = await seedContacts(db, 1, {
      prefix: 'silver',
      lastActiveAt: new Date(T0.getTime() - 30 * 86_400_000),
      attributes: () => ({ pushToken: 't', tier: 'silver' }),
    });
    const [gold] = await seedContacts(db, 1, {
      prefix: 'gold',
      lastActiveAt: new Date(T0.getTime() - 30 * 86_400_000),
      attributes: () => ({ pushToken: 't', tier: 'gold' }),
    });
    const engine = engineOn(db);
    expect((await engine.tick(at(0))).enrolled).toBe(1);
    // the silver contact becomes gold (as a contact upsert stamps it)
    await db.query(`UPDATE contacts SET attributes = attributes || '{"tier":"gold"}', updated_at = $2 WHERE id = $1`, [silver, at(5)]);
    expect((await engine.tick(at(6))).enrolled).toBe(1);
    // the gold journey ends; half an hour later its cooldown is over and it re-enters without a sweep
    await db.query(`UPDATE journeys SET state = 'completed', ended_at = $2, next_run_at = NULL, wait = NULL WHERE contact_id = $1`, [
      gold,
      at(10),
    ]);
    expect((await engine.tick(at(30))).enrolled).toBe(0);
    expect((await engine.tick(at(45))).enrolled).toBe(1);
    expect(await count(db, `SELECT count(*) n FROM journeys WHERE flow_id = $1`, [flowId])).toBe(3);
    expect((await db.query(`SELECT last_swept_at FROM flows WHERE id = $1`, [flowId])).rows[0].last_swept_at).toEqual(at(0));
  });

  it('sweeps again hourly and when a new version goes live', async () => {
    const db = pool();
    const flowId = await createActiveFlow(db, inactiveFlow());
    const engine = engineOn(db);
    await engine.tick(at(0));
    await engine.tick(at(30));
    expect((await db.query(`SELECT last_swept_at FROM flows WHERE id = $1`, [flowId])).rows[0].last_swept_at).toEqual(at(0));
    await engine.tick(at(61));
    expect((await db.query(`SELECT last_swept_at FROM flows WHERE id = $1`, [flowId])).rows[0].last_swept_at).toEqual(at(61));
    await makeNewVersionLive(db, flowId, inactiveFlow());
    await engine.tick(at(62));
    expect((await db.query(`SELECT last_swept_at, last_swept_version FROM flows WHERE id = $1`, [flowId])).rows[0]).toEqual({
      last_swept_at: at(62),
      last_swept_version: 2,
    });
  });
});

describe('idle costs nothing', () => {
  it('an idle tick is one statement; with an active flow and nothing to do, a handful', async () => {
    const db = pool();
    const statements: string[] = [];
    const counting = intercepted(db, (sql) => void statements.push(sql));
    const engine = new Engine({ db: counting, clock: new VirtualClock(db, () => T0), batchSize: 100 });
    // plus the heartbeat row (engine_processes), written at most every 5 s of wall time
    const work = () => statements.filter((sql) => !sql.includes('engine_processes'));
    // a process's first tick also checks the months of the journey log, events and messages (retention, then one
    // catalogue read each; the months ahead exist, so no lock and no DDL), then once a day of engine time
    await engine.tick(at(0));
    expect(work().filter((sql) => /retention|pg_class|pg_inherits/.test(sql))).toHaveLength(4);
    expect(work()).toHaveLength(5);
    statements.length = 0;
    const idle = await engine.tick(at(0.5));
    expect(idle).toMatchObject({ enrolled: 0, claimed: 0, batches: 0, sent: 0 });
    expect(work()).toHaveLength(1);
    expect(statements.length - work().length).toBeLessThanOrEqual(1);

    const flowId = await createActiveFlow(db, eventFlow());
    await engine.tick(at(1)); // loads the graph once
    statements.length = 0;
    await engine.tick(at(2));
    // flows, settings; drain (BEGIN, lock, re-read, drain, watermark, COMMIT); claim per pipelined batch (BEGIN,
    // flows, bitmap off, claim, bitmap on, COMMIT) for the two passes; one dispatcher round
    expect(statements.length).toBeLessThanOrEqual(30);
    await setFlowStatus(db, flowId, 'paused');
    statements.length = 0;
    await engine.tick(at(3));
    expect(work()).toHaveLength(1);
  });

  it('ingestEvents through the fixture feeds the inbox like the API does', async () => {
    const db = pool();
    const flowId = await createActiveFlow(db, eventFlow('order_paid'));
    const ids = await seedContacts(db, 3, { prefix: 'f' });
    await ingestEvents(db, ids, 'order_paid', at(0));
    expect((await engineOn(db).tick(at(1))).enrolled).toBe(3);
    expect(await journeysOf(db, flowId)).toBe(3);
  });
});
