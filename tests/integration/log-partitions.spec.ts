/**
 * Issue 23, bounded storage: journey_log is partitioned by month. Months are created ahead (and rows a clock wrote
 * outside every month move into them), months past retention are dropped whole, a month holding a live journey's
 * steps is kept, and dropping a month while the engine writes loses nothing.
 */
import { Pool } from 'pg';
import { Engine, journeyLogMonths, maintainMonthlyPartitions, SystemClock } from '@boomerang/engine/runtime';
import { createMigratedDatabase, type MigratedDatabase } from '../support/database';
import {
  count,
  createActiveFlow,
  partitionsOf,
  runDueSteps,
  seedContacts,
  sendThenWaitGraph,
  setFlowStatus,
} from '../support/engine-fixtures';

const MARCH = new Date('2026-03-02T12:00:00Z');
const MAY = new Date('2026-05-04T12:00:00Z');
const DECEMBER = new Date('2026-12-06T10:00:00Z');
const DAY = 86_400_000;

let database: MigratedDatabase;
let db: Pool;

beforeAll(async () => {
  database = await createMigratedDatabase('log-partitions');
  db = new Pool({ connectionString: database.url, max: 6 });
  db.on('error', () => undefined);
});
afterAll(async () => {
  await db?.end();
  await database?.drop();
});

const engine = () => new Engine({ db, clock: new SystemClock(), batchSize: 100 });
const runDue = (now: Date) => runDueSteps(engine(), db, now);
const months = () => partitionsOf(db, 'journey_log');
const rowsIn = (table: string) => count(db, `SELECT count(*) n FROM ${table}`);
/** journeys whose visit rows differ from their steps: the fault suite's "nothing lost, nothing doubled" */
const stepsNotLogged = (flowId: string) =>
  count(
    db,
    `SELECT count(*) n FROM journeys j WHERE j.flow_id = $1
        AND j.step_seq <> (SELECT count(*) FROM journey_log l WHERE l.journey_id = j.id AND l.step IS NOT NULL)`,
    [flowId],
  );

/** journeys that stay live: a year-long wait after the send */
const waitLong = () => sendThenWaitGraph(undefined, 'P365D');

it('is partitioned by month with a default partition, months ahead of today from the migration', async () => {
  const kind = await db.query(`SELECT relkind FROM pg_class WHERE oid = 'journey_log'::regclass`);
  expect(kind.rows[0].relkind).toBe('p');
  const names = await months();
  expect(names).toContain('journey_log_default');
  const now = new Date();
  const ahead = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 3, 1));
  expect(names).toContain(`journey_log_p${ahead.getUTCFullYear()}${String(ahead.getUTCMonth() + 1).padStart(2, '0')}`);
});

it('moves rows a far clock wrote into their month, then drops old months whole, keeping one with live journeys', async () => {
  await seedContacts(db, 300, { prefix: 'p' });
  // March: journeys that stay live (a year-long wait); their rows land in the default partition (no March month yet)
  const live = await createActiveFlow(db, waitLong(), { name: 'live' });
  expect(await engine().enroll(MARCH)).toBe(300);
  await runDue(MARCH);
  await setFlowStatus(db, live, 'paused');
  // May: journeys that complete within the month
  const ended = await createActiveFlow(db, sendThenWaitGraph(), { name: 'ended' });
  expect(await engine().enroll(MAY)).toBe(300);
  await runDue(MAY);
  await runDue(new Date(MAY.getTime() + 2 * DAY));
  expect(await count(db, `SELECT count(*) n FROM journeys WHERE flow_id = $1 AND state = 'completed'`, [ended])).toBe(300);
  const logRows = await rowsIn('journey_log');
  expect(await rowsIn('journey_log_default')).toBe(logRows);

  const created = await maintainMonthlyPartitions(db, journeyLogMonths, [MARCH, MAY, DECEMBER], 13);
  expect(created.created).toEqual(expect.arrayContaining(['2026-02', '2026-03', '2026-05', '2026-06']));
  expect(await rowsIn('journey_log_default')).toBe(0);
  expect(await rowsIn('journey_log_p202603')).toBe(300 * 3);
  expect(await rowsIn('journey_log_p202605')).toBe(logRows - 300 * 3);
  expect(await rowsIn('journey_log')).toBe(logRows);

  // three months of retention in December: February to August may go; March holds live journeys' steps
  const dropped = await maintainMonthlyPartitions(db, journeyLogMonths, [DECEMBER], 3);
  expect(dropped.kept).toEqual(['2026-03']);
  expect(dropped.dropped).toEqual(['2026-02', '2026-04', '2026-05', '2026-06', '2026-07', '2026-08']);
  expect(await months()).not.toContain('journey_log_p202605');
  expect(await rowsIn('journey_log_p202603')).toBe(300 * 3);
  expect(await stepsNotLogged(live)).toBe(0);
  // ended journeys keep their summary: state, steps, when they ended
  expect(await count(db, `SELECT count(*) n FROM journeys WHERE flow_id = $1 AND state = 'completed' AND step_seq = 3`, [ended])).toBe(300);
  await setFlowStatus(db, ended, 'paused');
});

it('drops a month while the engine writes the current one: nothing live is lost or doubled', async () => {
  await seedContacts(db, 2000, { prefix: 'q' });
  const flow = await createActiveFlow(db, waitLong(), { name: 'under load' });
  expect(await engine().enroll(DECEMBER)).toBe(2300);
  // an old month with only ended journeys' rows, to be dropped while the engine runs
  await db.query(
    `INSERT INTO journey_log (journey_id, contact_id, at, node_id, kind, detail)
     SELECT id, contact_id, '2026-09-15T00:00:00Z', current_node_id, 'completed', '{}' FROM journeys WHERE state = 'completed'`,
  );
  expect(await rowsIn('journey_log_p202609')).toBe(300);
  const [report] = await Promise.all([
    // patient: the engine's batches leave only short gaps, and this drop must happen while they run
    new Promise((r) => setTimeout(r, 150)).then(() =>
      maintainMonthlyPartitions(db, journeyLogMonths, [DECEMBER], 2, { patienceMs: 20_000 }),
    ),
    runDue(DECEMBER),
  ]);
  expect(report).toMatchObject({ dropped: ['2026-09'], kept: ['2026-03'] });
  expect(await count(db, `SELECT count(*) n FROM journeys WHERE flow_id = $1 AND state = 'waiting' AND step_seq = 3`, [flow])).toBe(2300);
  expect(await stepsNotLogged(flow)).toBe(0);
  expect(await count(db, `SELECT count(*) n FROM messages WHERE flow_id = $1`, [flow])).toBe(2300);
  expect(await rowsIn('journey_log_p202612')).toBe(2300 * 3);
});
