/**
 * Issue 23: an external id's uniqueness held by `contact_external_ids` (migration 1796910000000), on plain
 * PostgreSQL. The migration over rows of the previous schema (contacts and `contact_redirects`), and the writers
 * that claim ids there: concurrent ingesters naming the same new ids, the contacts API's upsert racing an ingester,
 * a merge that copies rows instead of re-keying them. tests/citus/ingest.spec.ts runs the same scenarios on Citus.
 */
import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { createDataSource } from '../../api/src/database/data-source';
import { ContactsRepository } from '../../api/src/contacts/contacts.repository';
import { createMigratedDatabase, createTestDatabase, type MigratedDatabase, type TestDatabase } from '../support/database';
import {
  expectedMerge,
  expectedUpserts,
  identityCounts,
  mergeAndDescribe,
  raceOnNewIds,
  seedMergePair,
  upsertRacingIngest,
} from '../support/contact-identity';

const MIGRATION = 'ContactExternalIds1796910000000';

describe('migration 1796910000000 over rows of the previous schema', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> => dataSource.query(text, params);

  beforeEach(async () => {
    database = await createTestDatabase('contact_external_ids');
    dataSource = createDataSource(database.url, { logErrors: false });
    await dataSource.initialize();
    await dataSource.runMigrations();
    await undoThroughMigration();
    // three contacts; 'old-b' merged into b; 'c' a redirect once, then a signup under it (the contact wins)
    await sql(
      `INSERT INTO contacts (id, external_id, created_at, updated_at) VALUES (1, 'a', now(), now()), (2, 'b', now(), now()), (3, 'c', now(), now())`,
    );
    await sql(`INSERT INTO contact_redirects (external_id, contact_id, merged_at) VALUES ('old-b', 2, now()), ('c', 1, now())`);
  });
  afterEach(async () => {
    await dataSource.destroy();
    await database.drop();
  });

  /** Undoes the migrations after this one, then this one. */
  async function undoThroughMigration(): Promise<void> {
    for (;;) {
      const [last] = await sql<{ name: string }>(`SELECT name FROM schema_migrations ORDER BY id DESC LIMIT 1`);
      await dataSource.undoLastMigration();
      if (last.name === MIGRATION) return;
    }
  }

  const lookup = () => sql(`SELECT external_id, contact_id::int FROM contact_external_ids ORDER BY external_id`);

  it('claims every contact’s id and folds the redirects in', async () => {
    await dataSource.runMigrations();
    expect(await lookup()).toEqual([
      { external_id: 'a', contact_id: 1 },
      { external_id: 'b', contact_id: 2 },
      { external_id: 'c', contact_id: 3 },
      { external_id: 'old-b', contact_id: 2 },
    ]);
    expect(await sql(`SELECT to_regclass('contact_redirects') AS t`)).toEqual([{ t: null }]);
    // a contact inserted or renamed by a writer that does not claim (the demo seeder, fixtures) is claimed for it
    await sql(`INSERT INTO contacts (id, external_id, created_at, updated_at) VALUES (4, 'd', now(), now())`);
    await sql(`UPDATE contacts SET external_id = 'a2' WHERE id = 1`);
    expect(await lookup()).toEqual(
      expect.arrayContaining([
        { external_id: 'a', contact_id: 1 },
        { external_id: 'a2', contact_id: 1 },
        { external_id: 'd', contact_id: 4 },
      ]),
    );
  });

  it('rolls back to the redirects: every id that is not its contact’s own', async () => {
    await dataSource.runMigrations();
    await undoThroughMigration();
    expect(await sql(`SELECT external_id, contact_id::int FROM contact_redirects ORDER BY external_id`)).toEqual([
      { external_id: 'old-b', contact_id: 2 },
    ]);
    expect(await sql(`SELECT to_regclass('contact_external_ids') AS t`)).toEqual([{ t: null }]);
  });
});

describe('writers claiming external ids', () => {
  let database: MigratedDatabase;
  const pools: Pool[] = [];
  const pool = () => {
    const p = new Pool({ connectionString: database.url, max: 2 });
    pools.push(p);
    return p;
  };

  beforeAll(async () => {
    database = await createMigratedDatabase('external_id_writers');
  });
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.end()));
    await database.close();
  });
  beforeEach(() => database.dataSource.query(`TRUNCATE contacts, contact_external_ids, flows, topics CASCADE`));

  it('two ingesters naming the same new ids at once: one contact each, every event kept', async () => {
    const ids = Array.from({ length: 300 }, (_, i) => `race-${i}`);
    const sent = await raceOnNewIds([pool(), pool()], ids, 50);
    expect(await identityCounts(pool())).toEqual({ contacts: 300, doubled: [], dangling: 0, events: sent });
  });

  it('the contacts upsert racing an ingester, then updating, then reached through an id merged away', async () => {
    const ids = Array.from({ length: 100 }, (_, i) => `up-${i}`);
    const db = pool();
    expect(await upsertRacingIngest(new ContactsRepository(database.dataSource), db, ids)).toEqual(expectedUpserts(ids));
    expect(await identityCounts(db)).toMatchObject({ contacts: 99, doubled: [], dangling: 0 });
  });

  it('a merge copies the merged contact’s rows onto the kept one and deletes it; its id leads there', async () => {
    const db = pool();
    const pair = await seedMergePair(db);
    expect(await mergeAndDescribe(db, pair)).toEqual(expectedMerge(pair));
  });
});
