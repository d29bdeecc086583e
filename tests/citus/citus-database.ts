/** The coordinator of the cluster `npm run test:citus` started (scripts/citus/run.ts sets CITUS_DATABASE_URL). */
import { Pool, type PoolClient } from 'pg';
import { ENGINE_SESSION_OPTIONS } from '@boomerang/engine/runtime';
import { createDataSource } from '../../api/src/database/data-source';
import type { ApiDatabase } from '../support/api-app';

export function citusUrl(): string {
  const url = process.env.CITUS_DATABASE_URL;
  if (!url) throw new Error('CITUS_DATABASE_URL is not set: run these specs with `npm run test:citus`');
  return url;
}

export function citusPool(max = 10): Pool {
  return new Pool({ connectionString: citusUrl(), max, options: ENGINE_SESSION_OPTIONS });
}

/** The coordinator as the API harness takes it (`startApiOn`): migrated and distributed by run.ts; closing only disconnects. */
export async function citusApiDatabase(poolSize = 10): Promise<ApiDatabase> {
  const dataSource = createDataSource(citusUrl(), { poolSize, logErrors: false });
  await dataSource.initialize();
  return { url: citusUrl(), dataSource, close: async () => void (dataSource.isInitialized && (await dataSource.destroy())) };
}

export interface Recorded {
  text: string;
  values: unknown[];
}

/** Records every statement with FOR UPDATE that the pool's checked-out clients (the engine's transactions) run. */
export function recordLocking(pool: Pool, into: Recorded[]): void {
  const connect = pool.connect.bind(pool) as () => Promise<PoolClient>;
  const wrapped = new WeakSet<PoolClient>();
  (pool as { connect: unknown }).connect = async (...args: unknown[]) => {
    if (args.length) return (connect as (...a: unknown[]) => unknown)(...args); // pool.query's own callback form
    const client = await connect();
    if (!wrapped.has(client)) {
      wrapped.add(client);
      const query = client.query.bind(client) as (...a: unknown[]) => unknown;
      // every argument passed on: pool.query reuses these clients with a callback
      (client as { query: unknown }).query = (...args: unknown[]) => {
        const [text, values] = args;
        if (typeof text === 'string' && /FOR UPDATE/.test(text)) into.push({ text, values: Array.isArray(values) ? values : [] });
        return query(...args);
      };
    }
    return client;
  };
}

/** The number of shard tasks Citus plans for a statement with these parameters. */
export async function taskCount(db: Pool, statement: Recorded): Promise<number> {
  const plan = await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN (COSTS OFF) ${statement.text}`, statement.values);
  const counts = plan.rows.map((r) => /Task Count: (\d+)/.exec(r['QUERY PLAN'])?.[1]).filter(Boolean);
  return Math.max(...counts.map(Number));
}

/** `db` as the engine's store functions take it, recording every statement with FOR UPDATE that passes through it. */
export function recordingDb(db: Pool, into: Recorded[]): Pick<Pool, 'query'> {
  return {
    query: ((text: string, values?: unknown[]) => {
      if (/FOR UPDATE/.test(text)) into.push({ text, values: values ?? [] });
      return db.query(text, values);
    }) as Pool['query'],
  };
}

/**
 * Empties the per-contact tables, the external-id lookup (not tied to contacts by a key on Citus), the flows and
 * topics (with what references them) between tests.
 */
export async function truncateCluster(db: Pool): Promise<void> {
  const client = await db.connect();
  try {
    // Citus truncates the shards of co-located tables in parallel: the replicated tables then need one connection
    await client.query(`BEGIN; SET LOCAL citus.multi_shard_modify_mode TO 'sequential'`);
    await client.query(`TRUNCATE contacts, contact_external_ids, flows, topics, engine_clock, pending_receipts CASCADE`);
    await client.query('COMMIT');
  } finally {
    client.release();
  }
}
