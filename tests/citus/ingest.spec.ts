/**
 * Ingestion, the contacts API's upsert (and imports: the same statement) and the contact merge on the Citus cluster
 * of `npm run test:citus`: an external id's uniqueness is held by `contact_external_ids`, distributed by the id
 * itself (contacts are sharded by their numeric id and cannot hold that key). The scenarios are those
 * tests/integration/contact-external-ids.spec.ts runs on plain PostgreSQL, with the same expectations.
 */
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { ingestEventRows } from '@boomerang/engine/runtime';
import { createDataSource } from '../../api/src/database/data-source';
import { ContactsRepository } from '../../api/src/contacts/contacts.repository';
import {
  T0,
  expectedMerge,
  expectedUpserts,
  identityCounts,
  ingestDefaults,
  mergeAndDescribe,
  raceOnNewIds,
  seedMergePair,
  upsertRacingIngest,
} from '../support/contact-identity';
import { citusPool, citusUrl, truncateCluster } from './citus-database';

let pools: Pool[];
let dataSource: DataSource;

beforeAll(async () => {
  pools = [citusPool(4), citusPool(4)];
  dataSource = createDataSource(citusUrl(), { logErrors: false });
  await dataSource.initialize();
});
afterAll(async () => {
  await Promise.all(pools.map((p) => p.end()));
  await dataSource.destroy();
});
beforeEach(() => truncateCluster(pools[0]));

describe('contacts by external id on Citus', () => {
  it('ingests events of new and known contacts: one contact per id, last activity moved', async () => {
    const [db] = pools;
    const event = (e: string, n: string, minutes: number) => ({ e, n, t: new Date(T0.getTime() + minutes * 60_000).toISOString(), p: {} });
    const first = Array.from({ length: 100 }, (_, i) => event(`c${i}`, 'app_open', 0));
    expect(await ingestEventRows(db, first, T0, ingestDefaults)).toEqual([]);
    // known ids again (a later activity, a non-activity event) and new ones in the same statement
    const second = [
      ...first.map((row) => ({ ...row, t: event('', '', 5).t })),
      ...Array.from({ length: 50 }, (_, i) => event(`n${i}`, 'page', 0)),
    ];
    expect(await ingestEventRows(db, second, T0, ingestDefaults)).toEqual([]);
    expect(await identityCounts(db)).toEqual({ contacts: 150, doubled: [], dangling: 0, events: 250 });
    const { rows } = await db.query<{ active: string | null; n: number }>(
      `SELECT last_active_at::text AS active, count(*)::int AS n FROM contacts GROUP BY 1 ORDER BY 1 NULLS LAST`,
    );
    expect(rows).toEqual([
      { active: '2026-03-02 12:05:00+00', n: 100 },
      { active: null, n: 50 },
    ]);
    // unknown ids with contact creation off: reported, nothing stored
    expect(
      await ingestEventRows(db, [event('c0', 'app_open', 9), event('x', 'app_open', 9)], T0, {
        ...ingestDefaults,
        createContactsOnEvent: false,
      }),
    ).toEqual([1]);
  });

  it('two ingesters naming the same new ids at once: one contact each, every event kept', async () => {
    const ids = Array.from({ length: 300 }, (_, i) => `race-${i}`);
    const sent = await raceOnNewIds(pools, ids, 50);
    expect(await identityCounts(pools[0])).toEqual({ contacts: 300, doubled: [], dangling: 0, events: sent });
  });

  it('the contacts upsert racing an ingester, then updating, then reached through an id merged away', async () => {
    const ids = Array.from({ length: 100 }, (_, i) => `up-${i}`);
    expect(await upsertRacingIngest(new ContactsRepository(dataSource), pools[1], ids)).toEqual(expectedUpserts(ids));
    expect(await identityCounts(pools[0])).toMatchObject({ contacts: 99, doubled: [], dangling: 0 });
  });

  it('a merge copies the merged contact’s rows onto the kept one and deletes it; its id leads there', async () => {
    const pair = await seedMergePair(pools[0]);
    expect(await mergeAndDescribe(pools[0], pair)).toEqual(expectedMerge(pair));
  });
});
