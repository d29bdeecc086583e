import { DataSource } from 'typeorm';
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
