/**
 * The cluster that `npm run test:citus` started: two workers, every migration applied on the coordinator, the
 * per-contact tables hash-distributed and co-located with contacts, the rest reference tables.
 */
import { Pool } from 'pg';
import { loadMigrations } from '@boomerang/migrations';
import { citusPool } from './citus-database';

let db: Pool;
beforeAll(() => {
  db = citusPool();
});
afterAll(() => db.end());

describe('Citus cluster', () => {
  it('has a coordinator and two active workers', async () => {
    const { rows } = await db.query<{ port: number; role: string }>(
      `SELECT nodeport AS port, CASE WHEN groupid = 0 THEN 'coordinator' ELSE 'worker' END AS role
         FROM pg_dist_node WHERE isactive ORDER BY nodeport`,
    );
    expect(rows.map((r) => r.role)).toEqual(['coordinator', 'worker', 'worker']);
  });

  it('ran every migration', async () => {
    const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM schema_migrations`);
    expect(rows[0].n).toBe(loadMigrations().length);
  });

  it('distributes the per-contact tables by contact, in one co-location group, and replicates the rest', async () => {
    const { rows } = await db.query<{ table_name: string; citus_table_type: string; distribution_column: string; colocation_id: number }>(
      // a partitioned table's months are distributed with it (co-located, same column): the parents are listed
      `SELECT t.table_name::text, t.citus_table_type, t.distribution_column, t.colocation_id
         FROM citus_tables t JOIN pg_class c ON c.oid = t.table_name WHERE NOT c.relispartition ORDER BY 1`,
    );
    const distributed = rows.filter((r) => r.citus_table_type === 'distributed');
    expect(distributed.map((r) => [r.table_name, r.distribution_column]).sort()).toEqual(
      [
        // by the external id itself: the key that makes an id one contact's holds on each shard
        ['contact_external_ids', 'external_id'],
        ['contact_topics', 'contact_id'],
        ['contacts', 'id'],
        ['events', 'contact_id'],
        ['event_message_ids', 'contact_id'],
        ['journey_log', 'contact_id'],
        ['journeys', 'contact_id'],
        ['message_keys', 'contact_id'],
        ['messages', 'contact_id'],
        ['trigger_inbox', 'contact_id'],
      ].sort(),
    );
    const perContact = distributed.filter((r) => r.table_name !== 'contact_external_ids');
    expect(new Set(perContact.map((r) => r.colocation_id)).size).toBe(1);
    const months = await db.query<{ parent: string; n: number; colocated: boolean }>(
      `SELECT i.inhparent::regclass::text AS parent, count(*)::int AS n,
              bool_and(t.colocation_id = (SELECT colocation_id FROM citus_tables WHERE table_name = 'contacts'::regclass)) AS colocated
         FROM pg_inherits i JOIN citus_tables t ON t.table_name = i.inhrelid::regclass GROUP BY 1 ORDER BY 1`,
    );
    expect(months.rows.map((r) => r.parent)).toEqual(['events', 'journey_log', 'messages']);
    expect(months.rows.every((r) => r.n >= 5 && r.colocated)).toBe(true);
    const local = await db.query<{ relname: string }>(
      `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname <> 'schema_migrations'
          AND NOT EXISTS (SELECT 1 FROM citus_tables t WHERE t.table_name = c.oid::regclass)`,
    );
    expect(local.rows).toEqual([]);
  });

  it('spreads the shards of a distributed table over both workers', async () => {
    const { rows } = await db.query<{ nodeport: number; n: number }>(
      `SELECT nodeport, count(*)::int AS n FROM citus_shards WHERE table_name = 'journeys'::regclass GROUP BY 1 ORDER BY 1`,
    );
    expect(rows.length).toBe(2);
    expect(rows.every((r) => r.n > 0)).toBe(true);
  });
});
