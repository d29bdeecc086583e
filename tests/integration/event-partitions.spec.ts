/**
 * Issue 23, bounded storage for events: `events` is partitioned by month of `received_at`; a sender's message id is
 * deduplicated through `event_message_ids` across months (a partitioned table's unique keys are per month); months
 * past retention go whole, their keys with them; and a month dropped while events pour in loses none of them.
 * Hostile cases: twins of one message id in one batch, a retry a month later, the same id for two contacts.
 */
import { Pool } from 'pg';
import { EventIngestor, eventMonths, ingestEventRows, maintainMonthlyPartitions, type EventRow } from '@boomerang/engine/runtime';
import { createMigratedDatabase, type MigratedDatabase } from '../support/database';
import { count, partitionsOf } from '../support/engine-fixtures';

const MARCH = new Date('2026-03-10T12:00:00Z');
const APRIL = new Date('2026-04-20T12:00:00Z');
const DECEMBER = new Date('2026-12-06T10:00:00Z');
const defaults = { createContactsOnEvent: true, nonActivityEvents: [] };

let database: MigratedDatabase;
let db: Pool;

beforeAll(async () => {
  database = await createMigratedDatabase('event-partitions');
  db = new Pool({ connectionString: database.url, max: 8 });
  db.on('error', () => undefined);
});
afterAll(async () => {
  await db?.end();
  await database?.drop();
});

const partitions = () => partitionsOf(db, 'events');
const rowsIn = (table: string, where = 'true') => count(db, `SELECT count(*) n FROM ${table} WHERE ${where}`);
const event = (e: string, m?: string, n = 'app_open'): EventRow => ({ e, n, t: '2026-03-01T00:00:00Z', p: {}, ...(m ? { m } : {}) });

it('is partitioned by month of receipt, with a default partition and months ahead of today', async () => {
  expect((await db.query(`SELECT relkind FROM pg_class WHERE oid = 'events'::regclass`)).rows[0].relkind).toBe('p');
  const names = await partitions();
  expect(names).toContain('events_default');
  const now = new Date();
  const ahead = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 3, 1));
  expect(names).toContain(`events_p${ahead.getUTCFullYear()}${String(ahead.getUTCMonth() + 1).padStart(2, '0')}`);
});

it('stores a message id once per contact: twins in one batch, a retry a month later, but the same id for another contact', async () => {
  await ingestEventRows(
    db,
    [event('ana', 'seg-1'), event('ana', 'seg-1', 'purchase'), event('bob', 'seg-1'), event('ana')],
    MARCH,
    defaults,
  );
  // the first twin is the one kept
  expect(await rowsIn('events e JOIN contacts c ON c.id = e.contact_id', `c.external_id = 'ana' AND e.message_id = 'seg-1'`)).toBe(1);
  expect(await rowsIn('events', `message_id = 'seg-1' AND name = 'purchase'`)).toBe(0);
  expect(await rowsIn('events', `message_id = 'seg-1'`)).toBe(2);
  // April: another month's partition, the same key
  await ingestEventRows(db, [event('ana', 'seg-1'), event('bob', 'seg-2')], APRIL, defaults);
  expect(await rowsIn('events', `message_id = 'seg-1'`)).toBe(2);
  expect(await rowsIn('events', `message_id = 'seg-2'`)).toBe(1);
  expect(await rowsIn('events', `message_id IS NULL`)).toBe(1);
  expect(await rowsIn('event_message_ids')).toBe(3);
});

it('moves strays into their month, then drops months past retention whole, their message ids with them', async () => {
  // March and April are before the migration's first month: the default partition caught them
  expect(await rowsIn('events_default')).toBe(4);
  const created = await maintainMonthlyPartitions(db, eventMonths, [MARCH, DECEMBER], 13);
  expect(created.created).toEqual(expect.arrayContaining(['2026-02', '2026-03', '2026-04', '2026-10']));
  expect(await rowsIn('events_default')).toBe(0);
  expect(await rowsIn('events_p202603')).toBe(3);
  expect(await rowsIn('events_p202604')).toBe(1);

  // December with three months kept: February to August go; the look-back asked for is only consulted then
  let asked = 0;
  const report = await maintainMonthlyPartitions(db, eventMonths, [DECEMBER], 3, { atLeastMonths: async () => (asked++, 1) });
  expect(asked).toBe(1);
  expect(report.dropped).toEqual(['2026-02', '2026-03', '2026-04', '2026-05', '2026-06', '2026-07', '2026-08']);
  expect(await partitions()).not.toContain('events_p202603');
  expect(await rowsIn('events')).toBe(0);
  expect(await rowsIn('event_message_ids')).toBe(0);
  // nothing left to do: the look-back is not asked again
  await maintainMonthlyPartitions(db, eventMonths, [DECEMBER], 3, { atLeastMonths: async () => (asked++, 1) });
  expect(asked).toBe(1);
});

it('keeps more months when something live looks back further than the setting', async () => {
  await ingestEventRows(db, [event('ana', 'seg-9')], new Date('2026-09-15T00:00:00Z'), defaults);
  const report = await maintainMonthlyPartitions(db, eventMonths, [DECEMBER], 1, { atLeastMonths: async () => 3 });
  expect(report.dropped).toEqual([]);
  expect(await rowsIn('events_p202609')).toBe(1);
  expect(await rowsIn('event_message_ids', `message_id = 'seg-9'`)).toBe(1);
});

it('drops a month while events pour in: every event of the current month stored once', async () => {
  const ingestor = new EventIngestor(
    db,
    async () => DECEMBER,
    () => defaults,
    2,
    500,
  );
  const batches = Array.from({ length: 40 }, (_, b) =>
    Array.from({ length: 100 }, (_, i): EventRow => event(`load-${(b * 100 + i) % 700}`, `load-${b}-${i}`)),
  );
  const [report] = await Promise.all([
    new Promise((r) => setTimeout(r, 50)).then(() => maintainMonthlyPartitions(db, eventMonths, [DECEMBER], 2, { patienceMs: 20_000 })),
    // every batch twice: a sender retrying while the first attempt is in flight
    Promise.all([...batches, ...batches].map((rows) => ingestor.ingest(rows))),
  ]);
  expect(report).toMatchObject({ dropped: ['2026-09'] });
  expect(await rowsIn('events_p202612', `message_id LIKE 'load-%'`)).toBe(4000);
  expect(await count(db, `SELECT count(*) n FROM (SELECT message_id FROM events GROUP BY 1 HAVING count(*) > 1) d`)).toBe(0);
  expect(await rowsIn('contacts', `external_id LIKE 'load-%'`)).toBe(700);
});
