import { DataSource, type DataSourceOptions } from 'typeorm';
import { loadMigrations } from '@boomerang/migrations';
import { createDataSource } from '../../api/src/database/data-source';
import { channelKindSchema } from '@boomerang/engine/core/schema';
import { apiKeyScope, userRole } from '@boomerang/engine/core/views/auth';
import { flowStatus } from '@boomerang/engine/core/views/flows';
import { journeyState } from '@boomerang/engine/core/views/journeys';
import { messageStatus, receiptStatus } from '@boomerang/engine/core/views/messages';
import { createTestDatabase, TestDatabase } from '../support/database';

async function tableNames(dataSource: DataSource): Promise<string[]> {
  const rows: { table_name: string }[] = await dataSource.query(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
  );
  return rows.map((row) => row.table_name);
}

describe('migrations', () => {
  let database: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await createTestDatabase('migrations');
    dataSource = createDataSource(database.url);
    await dataSource.initialize();
  });
  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
  });

  it('apply on an empty database, roll back fully and apply again', async () => {
    expect(await tableNames(dataSource)).toEqual([]);
    const applied = await dataSource.runMigrations();
    expect(applied.length).toBeGreaterThan(0);
    const tables = await tableNames(dataSource);
    expect(tables).toEqual(expect.arrayContaining(['flows', 'flow_versions', 'contacts', 'events', 'journeys', 'journey_log', 'messages']));

    for (let i = 0; i < applied.length; i++) await dataSource.undoLastMigration();
    expect(await tableNames(dataSource)).toEqual(['schema_migrations']);
    const functions: unknown[] = await dataSource.query(
      `SELECT proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'`,
    );
    expect(functions).toEqual([]);

    const reapplied = await dataSource.runMigrations();
    expect(reapplied.map((m) => m.name)).toEqual(applied.map((m) => m.name));
    expect(await tableNames(dataSource)).toEqual(tables);
  });

  /**
   * The migrations are the one description of the tables; the shared view schemas (`engine/src/core/views/`) name
   * the same closed sets of values. Every CHECK that lists a column's values must list exactly the schema's.
   */
  it.each([
    ['users', 'role', userRole.options],
    ['api_keys', 'scopes', apiKeyScope.options],
    ['flows', 'status', flowStatus.options],
    ['journeys', 'state', journeyState.options],
    ['messages', 'channel', channelKindSchema.options],
    ['messages', 'status', messageStatus.options],
    ['pending_receipts', 'channel', channelKindSchema.options],
    ['pending_receipts', 'status', receiptStatus.options],
  ])('%s.%s allows exactly the values of its shared schema', async (table, column, values) => {
    await dataSource.runMigrations();
    const checks: { def: string }[] = await dataSource.query(
      `SELECT pg_get_constraintdef(c.oid) AS def
         FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
        WHERE c.contype = 'c' AND c.conrelid = $1::regclass AND a.attname = $2`,
      [table, column],
    );
    const listed = checks.flatMap(({ def }) => [...def.matchAll(/'([^']*)'::text/g)].map((m) => m[1]));
    expect([...new Set(listed)].sort()).toEqual([...values].sort());
  });
});

/**
 * Issue 23 (one row per step): logs written before the fold keep counting. A journey logged the old way (a `node` row
 * per visit) is migrated on data: its visits get their step, the metrics' visit count reads the same before and after,
 * and rolling back turns folded visits into `node` rows again.
 */
describe('migration: journey_log visits carry their step', () => {
  const FOLD = 1796900000000;
  let database: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await createTestDatabase('migrations-step');
    const before = new DataSource({
      ...createDataSource(database.url).options,
      migrations: loadMigrations().filter((m) => Number(/\d{13}$/.exec(m.name)![0]) < FOLD),
    } as DataSourceOptions);
    await before.initialize();
    await before.runMigrations();
    const [flow] = await before.query(
      `INSERT INTO flows (name, status, current_version, settings) VALUES ('old', 'draft', 1, '{}') RETURNING id`,
    );
    await before.query(`INSERT INTO flow_versions (flow_id, version, graph) VALUES ($1, 1, '{"nodes":[],"edges":[]}')`, [flow.id]);
    const [contact] = await before.query(
      `INSERT INTO contacts (external_id, created_at, updated_at) VALUES ('old-1', now(), now()) RETURNING id`,
    );
    const [journey] = await before.query(
      `INSERT INTO journeys (flow_id, flow_version, contact_id, state, current_node_id, step_seq, entered_at)
       VALUES ($1, 1, $2, 'completed', 'push', 2, now()) RETURNING id`,
      [flow.id, contact.id],
    );
    await before.query(
      `INSERT INTO journey_log (journey_id, contact_id, at, node_id, kind, detail) VALUES
         ($1, $2, now(), 't', 'node', '{"type":"trigger","step":1,"visit":1}'), ($1, $2, now(), 't', 'entered', '{}'),
         ($1, $2, now(), 'push', 'node', '{"type":"channel"}'), ($1, $2, now(), 'push', 'message', '{}'),
         ($1, $2, now(), 'push', 'completed', '{}')`,
      [journey.id, contact.id],
    );
    await before.destroy();
    dataSource = createDataSource(database.url);
    await dataSource.initialize();
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await database.drop();
  });

  it('numbers every old visit (from its detail, else in log order), and undoes to node rows', async () => {
    await dataSource.runMigrations();
    const rows: { node_id: string; kind: string; step: number | null }[] = await dataSource.query(
      `SELECT node_id, kind, step FROM journey_log ORDER BY id`,
    );
    expect(rows.map((r) => `${r.node_id}:${r.kind}@${r.step ?? '-'}`)).toEqual([
      't:node@1',
      't:entered@-',
      'push:node@2',
      'push:message@-',
      'push:completed@-',
    ]);

    // a folded visit written after the migration …
    const [journey] = await dataSource.query(`SELECT id, contact_id FROM journeys`);
    await dataSource.query(
      `INSERT INTO journey_log (journey_id, contact_id, at, node_id, kind, detail, step) VALUES ($1, $2, now(), 'w', 'wait', '{}', 3)`,
      [journey.id, journey.contact_id],
    );
    // … is a node row again after rolling the fold back
    const pending = loadMigrations().filter((m) => Number(/\d{13}$/.exec(m.name)![0]) >= FOLD).length;
    for (let i = 0; i < pending; i++) await dataSource.undoLastMigration();
    const back: { n: number }[] = await dataSource.query(`SELECT count(*)::int AS n FROM journey_log WHERE kind = 'node'`);
    expect(back[0].n).toBe(3);
  });
});
