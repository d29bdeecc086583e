/**
 * The contact-keyed schema (issue 23) migrated over rows written by the previous schema: the log gains its contacts,
 * the keys include the contact, the engine's conflict targets still hold, a merge still moves a journey with its
 * rows, and the way back keeps every row.
 */
import { DataSource } from 'typeorm';
import { createDataSource } from '../../api/src/database/data-source';
import { mergeContacts } from '@boomerang/engine/runtime/store/contact-merge';
import { poolOf } from '../../api/src/engine/engine.module';
import { createTestDatabase, type TestDatabase } from '../support/database';

const MIGRATION = 'ContactKeyedSchema1796860000000';

let database: TestDatabase;
let dataSource: DataSource;
const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> => dataSource.query(text, params);

async function undoThroughContactKeyed(): Promise<void> {
  for (;;) {
    const [last] = await sql<{ name: string }>(`SELECT name FROM schema_migrations ORDER BY id DESC LIMIT 1`);
    await dataSource.undoLastMigration();
    if (last.name === MIGRATION) return;
  }
}

async function primaryKey(table: string): Promise<string> {
  const [row] = await sql<{ def: string }>(
    `SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = $1::regclass AND contype = 'p'`,
    [table],
  );
  return row.def;
}

/** Two contacts, a journey each with log rows, a message, events (one with a Segment message id) and an inbox row. */
async function seedPreviousSchema(): Promise<{ a: string; b: string; journeyA: string; journeyB: string; flowId: string }> {
  const [flow] = await sql<{ id: string }>(`INSERT INTO flows (name, status) VALUES ('f', 'active') RETURNING id`);
  await sql(`INSERT INTO flow_versions (flow_id, version, graph) VALUES ($1, 1, '{}')`, [flow.id]);
  const contacts = await sql<{ id: string }>(
    `INSERT INTO contacts (external_id, created_at, updated_at) VALUES ('a', now(), now()), ('b', now(), now()) RETURNING id::text`,
  );
  const [a, b] = contacts.map((c) => c.id);
  const journeys = await sql<{ id: string }>(
    `INSERT INTO journeys (flow_id, flow_version, contact_id, state, current_node_id, entered_at)
     VALUES ($1, 1, $2, 'completed', 'm', now()), ($1, 1, $3, 'waiting', 'd', now()) RETURNING id`,
    [flow.id, a, b],
  );
  const [journeyA, journeyB] = journeys.map((j) => j.id);
  for (const journey of [journeyA, journeyB]) {
    await sql(`INSERT INTO journey_log (journey_id, at, node_id, kind) VALUES ($1, now(), 't', 'entered'), ($1, now(), 'm', 'message')`, [
      journey,
    ]);
  }
  await sql(
    `INSERT INTO messages (idempotency_key, journey_id, flow_id, flow_version, contact_id, node_id, channel, content, created_at)
     VALUES ('ka', $1, $3, 1, $4, 'm', 'push', '{}', now()), ('kb', $2, $3, 1, $5, 'm', 'push', '{}', now())`,
    [journeyA, journeyB, flow.id, a, b],
  );
  await sql(
    `INSERT INTO events (contact_id, name, occurred_at, received_at, message_id)
     VALUES ($1, 'open', now(), now(), 'seg-1'), ($2, 'open', now(), now(), NULL)`,
    [a, b],
  );
  await sql(
    `INSERT INTO trigger_inbox (flow_id, contact_id, event_id, event_name, occurred_at, received_at)
     VALUES ($1, $2, 1, 'open', now(), now())`,
    [flow.id, b],
  );
  return { a, b, journeyA, journeyB, flowId: flow.id };
}

beforeEach(async () => {
  database = await createTestDatabase('contact_keyed');
  dataSource = createDataSource(database.url, { logErrors: false });
  await dataSource.initialize();
  await dataSource.runMigrations();
  await undoThroughContactKeyed();
});
afterEach(async () => {
  await dataSource.destroy();
  await database.drop();
});

describe('contact-keyed schema migration', () => {
  it('backfills the log’s contacts and keys every per-contact table by its contact', async () => {
    const seeded = await seedPreviousSchema();
    await dataSource.runMigrations();

    const log = await sql<{ journey_id: string; contact_id: string }>(`SELECT journey_id, contact_id::text FROM journey_log ORDER BY id`);
    expect(log).toEqual([
      { journey_id: seeded.journeyA, contact_id: seeded.a },
      { journey_id: seeded.journeyA, contact_id: seeded.a },
      { journey_id: seeded.journeyB, contact_id: seeded.b },
      { journey_id: seeded.journeyB, contact_id: seeded.b },
    ]);
    for (const table of ['events', 'journeys', 'journey_log', 'messages', 'trigger_inbox']) {
      // journey_log, events and messages are also partitioned by month (later migrations): their keys hold the month's column
      expect(await primaryKey(table)).toMatch(/^PRIMARY KEY \(id, contact_id(, at|, received_at|, created_at)?\)$/);
    }
    expect(await primaryKey('contact_topics')).toMatch(/^PRIMARY KEY \(contact_id, /);
    // a log row must name its journey's contact
    await expect(
      sql(`INSERT INTO journey_log (journey_id, contact_id, at, node_id, kind) VALUES ($1, $2, now(), 'm', 'x')`, [
        seeded.journeyA,
        seeded.b,
      ]),
    ).rejects.toThrow(/journey_log_journey_fkey/);
    await expect(
      sql(`INSERT INTO journey_log (journey_id, at, node_id, kind) VALUES ($1, now(), 'm', 'x')`, [seeded.journeyA]),
    ).rejects.toThrow(/contact_id/);
  });

  it('keeps the conflict targets the engine names: one message per key, one event per Segment message id', async () => {
    const seeded = await seedPreviousSchema();
    await dataSource.runMigrations();
    // the idempotency key moved to its own table too (messages are partitioned by month) and came with its message
    const queued = await sql(
      `INSERT INTO message_keys (idempotency_key, contact_id, created_at) VALUES ('ka', $1, now())
       ON CONFLICT (idempotency_key, contact_id) DO NOTHING RETURNING idempotency_key`,
      [seeded.a],
    );
    expect(queued).toEqual([]);
    expect(await sql(`SELECT count(*)::int AS n FROM messages WHERE idempotency_key = 'ka'`)).toEqual([{ n: 1 }]);
    // the Segment message id's key moved to its own table (events are partitioned by month) and came with its event
    const stored = await sql(
      `INSERT INTO event_message_ids (message_id, contact_id, received_at) VALUES ('seg-1', $1, now())
       ON CONFLICT (message_id, contact_id) DO NOTHING RETURNING message_id`,
      [seeded.a],
    );
    expect(stored).toEqual([]);
    expect(await sql(`SELECT count(*)::int AS n FROM events WHERE message_id = 'seg-1'`)).toEqual([{ n: 1 }]);
  });

  it('lets a merge move a journey with its messages and log, and still refuses to rewrite the log', async () => {
    const seeded = await seedPreviousSchema();
    await dataSource.runMigrations();
    await expect(sql(`UPDATE journey_log SET kind = 'rewritten' WHERE journey_id = $1`, [seeded.journeyA])).rejects.toThrow(/append-only/);
    expect(await mergeContacts(poolOf(dataSource), 'a', 'b', new Date())).toBe('merged');
    const moved = await sql<{ t: string; n: number }>(
      `SELECT 'log' AS t, count(*)::int AS n FROM journey_log WHERE contact_id = $1
       UNION ALL SELECT 'messages', count(*)::int FROM messages WHERE contact_id = $1
       UNION ALL SELECT 'journeys', count(*)::int FROM journeys WHERE contact_id = $1 ORDER BY 1`,
      [seeded.b],
    );
    expect(moved).toEqual([
      { t: 'journeys', n: 2 },
      { t: 'log', n: 4 },
      { t: 'messages', n: 2 },
    ]);
    expect(await sql(`SELECT count(*)::int AS n FROM contacts`)).toEqual([{ n: 1 }]);
  });

  it('rolls back with every row kept', async () => {
    await seedPreviousSchema();
    await dataSource.runMigrations();
    await undoThroughContactKeyed();
    expect(await primaryKey('journeys')).toBe('PRIMARY KEY (id)');
    expect(await sql(`SELECT count(*)::int AS n FROM journey_log`)).toEqual([{ n: 4 }]);
    const columns = await sql(`SELECT 1 FROM information_schema.columns WHERE table_name = 'journey_log' AND column_name = 'contact_id'`);
    expect(columns).toEqual([]);
  });
});
