/**
 * The demo's seed playbooks on the Citus cluster over four virtual weeks, against the same script on plain
 * PostgreSQL (a database without Citus on the coordinator's server, default engine options): the journeys' states
 * and positions and every message must be the same.
 *
 *   first-order: trigger(event signed_up) → day(PT24H) → ordered? —no→ lang → sms(zh|en) → window(P3D)
 *                goal(order_paid) converts whenever the first order is paid
 *   weekly-checkin: trigger(inactive 7 d) → lang → win-back push → returned?(waitFor app_open, P3D) —timeout→ end
 *                —event→ week(P7D) → active? —yes→ goal(active) · —no→ capped? → check-in push → week …
 *
 * The event trigger drains its inbox (per contact bucket on the cluster), app opens wake the journeys waiting for
 * them, both flows convert people. Ingestion's statement is refused on Citus (contacts.external_id, not this
 * work's): on the cluster the script writes what it writes — events, inbox rows, last activity, wake-ups — directly.
 */
import { randomBytes } from 'node:crypto';
import { Client, Pool } from 'pg';
import { demoFlows } from '@boomerang/engine';
import { ENGINE_SESSION_OPTIONS, Engine, VirtualClock } from '@boomerang/engine/runtime';
import { connectAndMigrate, createDataSource } from '../../api/src/database/data-source';
import { createActiveFlow, ingestEvents, seedContacts } from '../support/engine-fixtures';
import { citusPool, citusUrl, recordLocking, taskCount, truncateCluster, type Recorded } from './citus-database';

const T0 = new Date('2026-03-02T12:00:00Z');
const DAY = 86_400_000;
const WEEKS = 4;

type Cohort = 'never' | 'onceNeverActive' | 'activeWeek2' | 'activeWeek1' | 'orderEarly' | 'orderAfterSms' | 'neverOrder';
/** which days (1–28) each returning cohort opens the app */
const opens: Partial<Record<Cohort, (day: number) => boolean>> = {
  onceNeverActive: (d) => d === 1,
  activeWeek2: (d) => d === 1 || d >= 9,
  activeWeek1: (d) => d >= 1,
};
const sizes: [Cohort, number][] = [
  ['never', 6],
  ['onceNeverActive', 6],
  ['activeWeek2', 6],
  ['activeWeek1', 6],
  ['orderEarly', 5],
  ['orderAfterSms', 5],
  ['neverOrder', 8],
];
const signUps = new Set<Cohort>(['orderEarly', 'orderAfterSms', 'neverOrder']);

/** Stores events of known contacts at engine time `at`. */
type WriteEvents = (db: Pool, contactIds: string[], name: string, at: Date) => Promise<void>;

/**
 * What the ingest statement writes for contacts that exist, as separate statements: the events, one inbox row per
 * active event trigger listening, the contacts' last activity, and the wake-up of their waiting journeys.
 */
const writeEventsDirectly: WriteEvents = async (db, contactIds, name, at) => {
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    const stored = await client.query<{ id: string; contact_id: string }>(
      `INSERT INTO events (contact_id, name, occurred_at, properties, is_activity, received_at)
       SELECT c, $2, $3, '{}'::jsonb, true, $3 FROM unnest($1::bigint[]) AS c RETURNING id::text, contact_id::text`,
      [contactIds, name, at],
    );
    await client.query(
      `INSERT INTO trigger_inbox (flow_id, contact_id, event_id, event_name, occurred_at, received_at)
       SELECT t.flow_id, s.contact_id, s.id, $3, $4, $4
         FROM unnest($1::bigint[], $2::bigint[]) AS s(contact_id, id) JOIN active_event_triggers t ON t.event_name = $3`,
      [stored.rows.map((r) => r.contact_id), stored.rows.map((r) => r.id), name, at],
    );
    await client.query(
      `UPDATE contacts SET last_active_at = $2 WHERE id = ANY($1::bigint[]) AND (last_active_at IS NULL OR last_active_at < $2)`,
      [contactIds, at],
    );
    await client.query(
      `UPDATE journeys SET next_run_at = $2 WHERE state = 'waiting' AND contact_id = ANY($1::bigint[]) AND next_run_at > $2`,
      [contactIds, at],
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
};

interface Played {
  /** per contact (external id): its journeys in entry order with their messages */
  journeys: Record<string, string[]>;
  /** journey log rows per flow and kind */
  log: Record<string, number>;
  members: Map<Cohort, string[]>;
  ms: number;
}

/** Plays the script: seeds the contacts and the two demo flows, then four weeks day by day. */
async function play(db: Pool, write: WriteEvents): Promise<Played> {
  const started = Date.now();
  const members = new Map<Cohort, string[]>();
  for (const [cohort, size] of sizes) {
    const signUp = signUps.has(cohort);
    members.set(
      cohort,
      await seedContacts(db, size, {
        prefix: cohort,
        createdAt: signUp ? new Date(T0.getTime() - 60_000) : undefined,
        lastActiveAt: signUp ? null : new Date(T0.getTime() - 8 * DAY),
        consent: signUp ? { sms: true } : { push: true, email: true },
        attributes: (i) =>
          signUp
            ? { phone: `+1555${cohort.length}${String(i).padStart(5, '0')}`, locale: i % 2 ? 'zh-CN' : 'en' }
            : { pushToken: `tok-${cohort}${i}`, email: `${cohort}${i}@example.com`, locale: i % 2 ? 'zh-CN' : 'en' },
      }),
    );
  }
  for (const key of ['first-order', 'weekly-checkin'] as const) {
    await createActiveFlow(db, demoFlows.find((f) => f.key === key)!.graph, { name: key, activatedAt: T0 });
  }
  const clock = new VirtualClock(db, () => T0);
  await clock.set(T0);
  // the engine's default: claims per bucket where contacts are sharded (Citus), as before elsewhere
  const engine = new Engine({ db, clock, batchSize: 50 });
  const of = (...cohorts: Cohort[]) => cohorts.flatMap((c) => members.get(c)!);

  await write(db, of('orderEarly', 'orderAfterSms', 'neverOrder'), 'signed_up', T0);
  await engine.tick(T0);
  for (let day = 1; day <= WEEKS * 7; day++) {
    if (day === 1) {
      // six hours after signing up, some pay their first order (before the 24 h are up)
      await write(db, of('orderEarly'), 'order_paid', (await engine.advanceClock(clock, 'PT6H')).now);
      await engine.advanceClock(clock, 'PT18H');
    } else {
      const { now } = await engine.advanceClock(clock, 'P1D');
      if (day === 2) await write(db, of('orderAfterSms'), 'order_paid', now);
    }
    const now = await clock.now();
    for (const [cohort, ids] of members) if (opens[cohort]?.(day)) await write(db, ids, 'app_open', now);
  }
  return { ...(await snapshot(db)), members, ms: Date.now() - started };
}

async function snapshot(db: Pool): Promise<Pick<Played, 'journeys' | 'log'>> {
  const journeys = await db.query<{ id: string; external_id: string; flow: string; state: string; node: string; step: number }>(
    `SELECT j.id, c.external_id, f.name AS flow, j.state, j.current_node_id AS node, j.step_seq AS step
       FROM journeys j JOIN contacts c ON c.id = j.contact_id JOIN flows f ON f.id = j.flow_id
      ORDER BY c.external_id, j.entered_at, f.name`,
  );
  const messages = await db.query<{ journey_id: string; line: string }>(
    `SELECT journey_id, node_id || ' ' || channel || ' ' || status || ' ' || to_char(created_at AT TIME ZONE 'UTC', 'MM-DD HH24:MI') AS line
       FROM messages ORDER BY created_at, node_id`,
  );
  const log = await db.query<{ key: string; n: number }>(
    `SELECT f.name || ' ' || l.kind AS key, count(*)::int AS n
       FROM journey_log l JOIN journeys j ON j.contact_id = l.contact_id AND j.id = l.journey_id JOIN flows f ON f.id = j.flow_id
      GROUP BY 1 ORDER BY 1`,
  );
  const byContact: Record<string, string[]> = {};
  for (const j of journeys.rows) {
    const sent = messages.rows.filter((m) => m.journey_id === j.id).map((m) => m.line);
    (byContact[j.external_id] ??= []).push(`${j.flow}: ${j.state} at ${j.node} (step ${j.step}) [${sent.join(', ')}]`);
  }
  return { journeys: byContact, log: Object.fromEntries(log.rows.map((r) => [r.key, r.n])) };
}

/** A database without Citus on the coordinator's server, every migration applied. */
async function plainDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `boomerang_plain_${randomBytes(4).toString('hex')}`;
  const admin = new URL(citusUrl());
  admin.pathname = '/postgres';
  const run = async (sql: string) => {
    const client = new Client({ connectionString: admin.toString() });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await run(`CREATE DATABASE ${name}`);
  const url = new URL(citusUrl());
  url.pathname = `/${name}`;
  const dataSource = createDataSource(url.toString());
  await connectAndMigrate(dataSource);
  await dataSource.destroy();
  return { url: url.toString(), drop: () => run(`DROP DATABASE ${name} WITH (FORCE)`) };
}

describe('the seed case on Citus', () => {
  let citus: Pool;
  let plain: Pool;
  let plainDb: { url: string; drop(): Promise<void> };
  beforeAll(async () => {
    citus = citusPool(10);
    await truncateCluster(citus);
    plainDb = await plainDatabase();
    plain = new Pool({ connectionString: plainDb.url, max: 10, options: ENGINE_SESSION_OPTIONS });
  });
  afterAll(async () => {
    await citus?.end();
    await plain?.end();
    await plainDb?.drop();
  });

  it('plays four weeks of the first-order and weekly check-in flows exactly as plain PostgreSQL does', async () => {
    const onPlain = await play(plain, (db, ids, name, at) => ingestEvents(db, ids, name, at));
    const locking: Recorded[] = [];
    recordLocking(citus, locking);
    const onCitus = await play(citus, writeEventsDirectly);
    // the sign-ups' inbox was taken bucket by bucket, each DELETE routed to one shard
    const drains = locking.filter((s) => /DELETE FROM trigger_inbox/.test(s.text));
    expect(drains.length).toBeGreaterThan(1);
    expect((await Promise.all(drains.map((s) => taskCount(citus, s)))).filter((n) => n !== 1)).toEqual([]);

    // the script did what the seed case says, by hand
    const lines = (cohort: Cohort, flow: string) =>
      onCitus.members
        .get(cohort)!
        .map((_, i) => onCitus.journeys[`${cohort}${i}`].filter((j) => j.startsWith(`${flow}:`)))
        .flat();
    const messagesOf = (line: string) => (line.match(/\[(.*)\]/)![1] ? line.match(/\[(.*)\]/)![1].split(', ').length : 0);
    for (const [cohort, state, sent] of [
      ['never', 'completed', 1],
      ['onceNeverActive', 'waiting', 4],
      ['activeWeek2', 'converted', 2],
      ['activeWeek1', 'converted', 1],
    ] as const) {
      expect({ cohort, journeys: lines(cohort, 'weekly-checkin').map((l) => [l.split(' ')[1], messagesOf(l)]) }).toEqual({
        cohort,
        journeys: Array(6).fill([state, sent]),
      });
    }
    for (const [cohort, state, sent] of [
      ['orderEarly', 'converted', 0],
      ['orderAfterSms', 'converted', 1],
      ['neverOrder', 'completed', 1],
    ] as const) {
      expect({ cohort, journeys: lines(cohort, 'first-order').map((l) => [l.split(' ')[1], messagesOf(l)]) }).toEqual({
        cohort,
        journeys: Array(sizes.find(([c]) => c === cohort)![1]).fill([state, sent]),
      });
    }
    expect(onCitus.log['first-order entered']).toBe(18);

    // and the cluster played it exactly as plain PostgreSQL
    expect(onCitus.journeys).toEqual(onPlain.journeys);
    expect(onCitus.log).toEqual(onPlain.log);
    console.log(
      `citus seed case: ${Object.values(onCitus.journeys).flat().length} journeys, ` +
        `${Object.values(onCitus.journeys)
          .flat()
          .reduce(
            (n, l) => n + messagesOf(l),
            0,
          )} messages over ${WEEKS} weeks in ${onCitus.ms} ms (plain PostgreSQL ${onPlain.ms} ms); ${drains.length} inbox DELETEs, each on 1 shard`,
    );
  });
});
