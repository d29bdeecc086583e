/**
 * Issue 23, bounded storage for messages: `messages` is partitioned by month of `created_at`; the idempotency key is
 * kept unique through `message_keys` (a partitioned table's unique keys are per month); the dispatcher, receipts and
 * clicks name a message's month; months past retention go whole with their keys.
 * Hostile cases: a message queued last month whose `created_at` carries microseconds (a JavaScript Date would round
 * it) is sent, receipted and clicked exactly once; a month holding a still-queued message or a live journey's message
 * outlives its retention; a month dropped while the engine enrols, steps and sends loses and doubles nothing.
 */
import { Pool } from 'pg';
import { VirtualClock } from '@boomerang/engine';
import { Engine, maintainMonthlyPartitions, messageMonths, recordClick, recordReceipt } from '@boomerang/engine/runtime';
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

const AUGUST = new Date('2026-08-12T10:00:00Z');
const SEPTEMBER = new Date('2026-09-10T10:00:00Z');
const OCTOBER = new Date('2026-10-14T10:00:00Z');
const NOVEMBER = new Date('2026-11-20T10:00:00Z');
const DECEMBER = new Date('2026-12-06T10:00:00Z');
const DAY = 86_400_000;

let database: MigratedDatabase;
let db: Pool;

beforeEach(async () => {
  database = await createMigratedDatabase('message-partitions');
  db = new Pool({ connectionString: database.url, max: 8 });
  db.on('error', () => undefined);
});
afterEach(async () => {
  await db?.end();
  await database?.drop();
});

const engine = () => new Engine({ db, clock: new VirtualClock(db, () => DECEMBER), batchSize: 200 });
const runDue = (now: Date) => runDueSteps(engine(), db, now);
const partitions = () => partitionsOf(db, 'messages');
const rowsIn = (table: string, where = 'true', params: unknown[] = []) =>
  count(db, `SELECT count(*) n FROM ${table} WHERE ${where}`, params);

/** journeys that stay live: a year-long wait after the send */
const waitLong = () => sendThenWaitGraph(undefined, 'P365D');

it('is partitioned by month with a default partition; the idempotency key is unique in message_keys, not per month', async () => {
  expect((await db.query(`SELECT relkind FROM pg_class WHERE oid = 'messages'::regclass`)).rows[0].relkind).toBe('p');
  const names = await partitions();
  expect(names).toContain('messages_default');
  const now = new Date();
  const ahead = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 3, 1));
  expect(names).toContain(`messages_p${ahead.getUTCFullYear()}${String(ahead.getUTCMonth() + 1).padStart(2, '0')}`);
  const unique = await db.query<{ name: string }>(
    `SELECT indexrelid::regclass::text AS name FROM pg_index WHERE indrelid = 'messages'::regclass AND indisunique`,
  );
  expect(unique.rows.map((r) => r.name)).toEqual(['messages_pkey']);
});

it('sends, receipts and clicks a message queued last month exactly once, whatever the precision of its created_at', async () => {
  await seedContacts(db, 50, { prefix: 'nov' });
  const flow = await createActiveFlow(db, sendThenWaitGraph(), { name: 'november' });
  expect(await engine().enroll(NOVEMBER)).toBe(50);
  await runDue(NOVEMBER);
  // microseconds a JavaScript Date cannot carry: a key that round-tripped through one would find no row
  await db.query(`UPDATE messages SET created_at = created_at + interval '0.000123 seconds' WHERE flow_id = $1`, [flow]);
  expect(await rowsIn('messages_p202611', `flow_id = $1 AND status = 'queued'`, [flow])).toBe(50);

  const sent = await engine().tick(DECEMBER);
  expect(sent.sent).toBe(50);
  expect(await rowsIn('messages', `flow_id = $1 AND status = 'delivered' AND attempts = 1`, [flow])).toBe(50);
  expect(await rowsIn('journey_log', `kind = 'delivery'`)).toBe(50);
  expect((await engine().tick(new Date(DECEMBER.getTime() + 60_000))).sent).toBe(0);

  const [clicked, failed] = (await db.query<{ id: string }>(`SELECT id FROM messages WHERE flow_id = $1 ORDER BY id LIMIT 2`, [flow])).rows;
  expect(await recordClick(db, clicked.id, DECEMBER)).toMatchObject({ id: clicked.id, first: true });
  expect(await recordClick(db, clicked.id, new Date(DECEMBER.getTime() + 1000))).toMatchObject({ first: false });
  expect(await recordReceipt(db, { messageId: failed.id, channel: 'push', status: 'failed', reason: 'token expired' }, DECEMBER)).toEqual({
    messageId: failed.id,
    status: 'failed',
    consentCleared: false,
  });
  expect(await rowsIn('messages', `id = $1 AND clicked_at = $2 AND opened_at = $2`, [clicked.id, DECEMBER])).toBe(1);
  expect(await rowsIn('messages', `id = $1 AND status = 'failed' AND last_error = 'token expired'`, [failed.id])).toBe(1);
  expect(await rowsIn('journey_log', `kind IN ('click', 'receipt')`)).toBe(2);
  expect(await rowsIn('messages_p202611', `flow_id = $1`, [flow])).toBe(50);
});

it('drops months past retention with their keys, keeping a month with a queued message or a live journey’s message', async () => {
  await seedContacts(db, 40, { prefix: 'p' });
  // August: queued, never sent (the flow is paused before the dispatcher runs)
  const held = await createActiveFlow(db, sendThenWaitGraph(), { name: 'held' });
  expect(await engine().enroll(AUGUST)).toBe(40);
  await runDue(AUGUST);
  await setFlowStatus(db, held, 'paused');
  // September: sent, delivered, the journeys complete
  const ended = await createActiveFlow(db, sendThenWaitGraph(), { name: 'ended' });
  expect((await engine().tick(SEPTEMBER)).sent).toBe(40);
  await engine().tick(new Date(SEPTEMBER.getTime() + 2 * DAY));
  expect(await count(db, `SELECT count(*) n FROM journeys WHERE flow_id = $1 AND state = 'completed'`, [ended])).toBe(40);
  await setFlowStatus(db, ended, 'paused');
  // October: sent, the journeys wait a year
  const live = await createActiveFlow(db, waitLong(), { name: 'live' });
  expect((await engine().tick(OCTOBER)).sent).toBe(40);
  // before any month of them exists, all three months' rows sit in the default partition
  expect(await rowsIn('messages_default')).toBe(120);

  const created = await maintainMonthlyPartitions(db, messageMonths, [AUGUST, DECEMBER], 13);
  expect(created.created).toEqual(['2026-07', '2026-08', '2026-09', '2026-10']);
  expect(await rowsIn('messages_default')).toBe(0);
  for (const [month, flow] of [
    ['202608', held],
    ['202609', ended],
    ['202610', live],
  ]) {
    expect(await rowsIn(`messages_p${month}`, 'flow_id = $1', [flow])).toBe(40);
  }
  expect(await rowsIn('message_keys')).toBe(120);

  // a month of retention in December: July to October may go; August holds queued messages, October live journeys'
  const dropped = await maintainMonthlyPartitions(db, messageMonths, [DECEMBER], 1);
  expect(dropped).toMatchObject({ dropped: ['2026-07', '2026-09'], kept: ['2026-08', '2026-10'] });
  expect(await partitions()).not.toContain('messages_p202609');
  expect(await rowsIn('messages', `status = 'queued'`)).toBe(40);
  // the dropped month's keys went with it, the kept months' stayed
  expect(await rowsIn('message_keys', `created_at >= '2026-09-01' AND created_at < '2026-10-01'`)).toBe(0);
  expect(await rowsIn('message_keys')).toBe(80);
  // ended journeys keep their summary
  expect(await count(db, `SELECT count(*) n FROM journeys WHERE flow_id = $1 AND state = 'completed'`, [ended])).toBe(40);

  // the queued month goes once its messages are sent (the flow resumes, its journeys' delay ends in the same tick)
  await setFlowStatus(db, held, 'active');
  expect((await engine().tick(DECEMBER)).sent).toBe(40);
  expect(await maintainMonthlyPartitions(db, messageMonths, [DECEMBER], 1)).toMatchObject({ dropped: ['2026-08'], kept: ['2026-10'] });
  // and the live journeys' month once they end
  await db.query(`UPDATE journeys SET state = 'completed', next_run_at = NULL WHERE flow_id = $1`, [live]);
  expect(await maintainMonthlyPartitions(db, messageMonths, [DECEMBER], 1)).toMatchObject({ dropped: ['2026-10'], kept: [] });
  expect(await rowsIn('message_keys')).toBe(0);
});

it('drops a month while the engine enrols, steps and sends: every message queued and delivered once', async () => {
  await seedContacts(db, 2000, { prefix: 'q' });
  const old = await createActiveFlow(db, sendThenWaitGraph(), { name: 'old' });
  expect((await engine().tick(SEPTEMBER)).sent).toBe(2000);
  await engine().tick(new Date(SEPTEMBER.getTime() + 2 * DAY));
  await setFlowStatus(db, old, 'paused');
  await maintainMonthlyPartitions(db, messageMonths, [SEPTEMBER, DECEMBER], 13);
  expect(await rowsIn('messages_p202609')).toBe(2000);

  const flow = await createActiveFlow(db, waitLong(), { name: 'under load' });
  const [report, tick] = await Promise.all([
    // patient: the engine's batches leave only short gaps, and this drop must happen while they run
    new Promise((r) => setTimeout(r, 150)).then(() => maintainMonthlyPartitions(db, messageMonths, [DECEMBER], 1, { patienceMs: 20_000 })),
    engine().tick(DECEMBER),
  ]);
  // (the months ahead of September the first maintenance created, empty, go with it)
  expect(report).toMatchObject({ dropped: ['2026-08', '2026-09', '2026-10'], kept: [] });
  expect(tick).toMatchObject({ enrolled: 2000, sent: 2000 });
  expect(await rowsIn('messages', `flow_id = $1 AND status = 'delivered' AND attempts = 1`, [flow])).toBe(2000);
  expect(await count(db, `SELECT count(*) n FROM (SELECT journey_id FROM messages GROUP BY 1 HAVING count(*) > 1) d`)).toBe(0);
  expect(await rowsIn('message_keys')).toBe(2000);
  expect(await rowsIn('message_keys', `created_at < '2026-10-01'`)).toBe(0);
  expect(await count(db, `SELECT count(*) n FROM journeys WHERE flow_id = $1 AND state = 'waiting' AND step_seq = 3`, [flow])).toBe(2000);
});
