/**
 * Bounded storage on the cluster: the engine's month maintenance (store/time-partitions.ts) creates months of the
 * distributed `events`, `journey_log` and `messages` (Citus distributes a new partition with its parent), moves rows the default
 * partition caught into their month, and drops months past retention, as on plain PostgreSQL.
 */
import type { Pool } from 'pg';
import { eventMonths, journeyLogMonths, maintainMonthlyPartitions, messageMonths } from '@boomerang/engine/runtime';
import { citusPool } from './citus-database';

let db: Pool;
beforeAll(() => {
  db = citusPool();
});
afterAll(() => db.end());

const count = async (sql: string) => Number((await db.query<{ n: string }>(sql)).rows[0].n);

it('creates, fills and drops months of the distributed events table', async () => {
  // three years ahead: no month exists, the default partition takes the rows
  const far = new Date(Date.UTC(new Date().getUTCFullYear() + 3, 4, 10));
  const month = `${far.getUTCFullYear()}05`;
  // as the ingest statement stores them: the event and its message-id key, stamped with the instant received
  await db.query(
    `WITH c AS (INSERT INTO contacts (external_id, created_at, updated_at)
                SELECT 'part-' || i, $1, $1 FROM generate_series(0, 39) i RETURNING id, external_id),
          k AS (INSERT INTO event_message_ids (message_id, contact_id, received_at) SELECT 'part-m-' || external_id, id, $1 FROM c)
     INSERT INTO events (contact_id, name, occurred_at, received_at, message_id) SELECT id, 'app_open', $1, $1, 'part-m-' || external_id FROM c`,
    [far],
  );
  expect(await count(`SELECT count(*) n FROM events_default WHERE name = 'app_open' AND received_at = '${far.toISOString()}'`)).toBe(40);

  const created = await maintainMonthlyPartitions(db, eventMonths, [far], 13);
  expect(created.created).toContain(`${far.getUTCFullYear()}-05`);
  expect(await count(`SELECT count(*) n FROM events_p${month}`)).toBe(40);
  expect(await count(`SELECT count(*) n FROM events_default WHERE received_at = '${far.toISOString()}'`)).toBe(0);
  // the new month is a distributed table, co-located with contacts, with shards on both workers
  const placed = await db.query<{ colocated: boolean; nodes: number }>(
    `SELECT (SELECT colocation_id FROM citus_tables WHERE table_name = $1::regclass) =
            (SELECT colocation_id FROM citus_tables WHERE table_name = 'contacts'::regclass) AS colocated,
            (SELECT count(DISTINCT nodeport)::int FROM citus_shards WHERE table_name = $1::regclass) AS nodes`,
    [`events_p${month}`],
  );
  expect(placed.rows[0]).toEqual({ colocated: true, nodes: 2 });
  // a year later with one month kept: that month and every older one go whole, their message-id keys with them
  const later = new Date(Date.UTC(far.getUTCFullYear() + 1, 4, 10));
  const dropped = await maintainMonthlyPartitions(db, eventMonths, [later], 1);
  expect(dropped.dropped).toContain(`${far.getUTCFullYear()}-05`);
  expect(await count(`SELECT count(*) n FROM events WHERE message_id LIKE 'part-m-%'`)).toBe(0);
  expect(await count(`SELECT count(*) n FROM event_message_ids WHERE message_id LIKE 'part-m-%'`)).toBe(0);
});

it('creates months of the distributed journey log', async () => {
  const far = new Date(Date.UTC(new Date().getUTCFullYear() + 6, 0, 10));
  const report = await maintainMonthlyPartitions(db, journeyLogMonths, [far], 13);
  expect(report.created).toContain(`${far.getUTCFullYear()}-01`);
  const distributed = await db.query(`SELECT 1 FROM citus_tables WHERE table_name = $1::regclass`, [
    `journey_log_p${far.getUTCFullYear()}01`,
  ]);
  expect(distributed.rowCount).toBe(1);
});

it('creates and drops months of the distributed messages, their idempotency keys with them', async () => {
  const far = new Date(Date.UTC(new Date().getUTCFullYear() + 8, 2, 10));
  const created = await maintainMonthlyPartitions(db, messageMonths, [far], 13);
  expect(created.created).toContain(`${far.getUTCFullYear()}-03`);
  const placed = await db.query(`SELECT 1 FROM citus_tables WHERE table_name = $1::regclass`, [`messages_p${far.getUTCFullYear()}03`]);
  expect(placed.rowCount).toBe(1);
  // a key stamped in that month, as the outbox writes it (the month held no live message: it goes, the key with it)
  const [contact] = (
    await db.query<{ id: string }>(`INSERT INTO contacts (external_id, created_at, updated_at) VALUES ('part-msg', $1, $1) RETURNING id`, [
      far,
    ])
  ).rows;
  await db.query(`INSERT INTO message_keys (idempotency_key, contact_id, created_at) VALUES ('part-key', $1, $2)`, [contact.id, far]);
  const later = new Date(Date.UTC(far.getUTCFullYear() + 1, 2, 10));
  const dropped = await maintainMonthlyPartitions(db, messageMonths, [later], 1);
  expect(dropped).toMatchObject({ kept: [] });
  expect(dropped.dropped).toContain(`${far.getUTCFullYear()}-03`);
  expect(await count(`SELECT count(*) n FROM message_keys WHERE idempotency_key = 'part-key'`)).toBe(0);
});
