/**
 * The runtime's only I/O seam: a pg pool (or anything shaped like one). The Nest app hands in TypeORM's own pool so
 * the engine shares the process's connections; tests and the bench hand in their own pools.
 */
import type { Pool, PoolClient, QueryResultRow } from 'pg';

export type Db = Pick<Pool, 'query' | 'connect'>;

/**
 * Session settings for every connection that runs the engine (the app's pool, the benchmarks' and the replicas'):
 * no JIT. Its statements are short index walks, but a table that grew in a burst (a campaign queuing 100,000
 * messages) leaves row estimates stale until the next ANALYZE, the estimated cost crosses `jit_above_cost`, and
 * PostgreSQL spends 10–30 ms compiling a query that runs in 3 ms (the facts of a batch measured 19 ms a call at 100k).
 */
export const ENGINE_SESSION_OPTIONS = [
  '-c jit=off',
  // On Citus (docs/SCALING.md §5) a multi-shard write otherwise holds every shard it touches until COMMIT, so engine
  // replicas take turns and one stuck inside a batch stalls them all. Their batches write disjoint, already locked
  // rows, which is what the setting guards against; Citus's distributed deadlock detection stays on. Plain
  // PostgreSQL keeps it as an unused placeholder.
  '-c citus.enable_deadlock_prevention=off',
].join(' ');
export type Tx = PoolClient;

/**
 * For a transaction that writes or alters a table after reading or writing the shards of a distributed one: Citus
 * allows it only when the earlier statements used one connection per node. An unused placeholder setting on plain
 * PostgreSQL.
 */
export const SEQUENTIAL_SHARD_ACCESS = `SET LOCAL citus.multi_shard_modify_mode TO 'sequential'`;

const guarded = Symbol('boomerang.errorGuard');

/**
 * A pooled connection for a transaction. pg emits 'error' on a checked-out client whose connection is cut between
 * two queries (a PostgreSQL restart: "terminating connection due to administrator command"); the pool listens only
 * while the client is idle, and an 'error' without a listener ends the process. The cut surfaces anyway as the
 * failure of the next query on it (rolled back and released by the caller; pg then discards the dead client).
 */
export async function checkout(db: Db): Promise<Tx> {
  const tx = await db.connect();
  const marked = tx as Tx & { [guarded]?: true };
  if (!marked[guarded]) {
    marked[guarded] = true;
    tx.on('error', () => undefined);
  }
  return tx;
}

/** Runs `work` in one transaction on one connection; rolls back on any error. */
export async function inTransaction<T>(db: Db, work: (tx: Tx) => Promise<T>): Promise<T> {
  const tx = await checkout(db);
  try {
    await tx.query('BEGIN');
    const result = await work(tx);
    await tx.query('COMMIT');
    return result;
  } catch (error) {
    await tx.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    tx.release();
  }
}

export async function rows<T extends QueryResultRow>(db: Pick<Pool, 'query'>, sql: string, params: unknown[] = []): Promise<T[]> {
  return (await db.query<T>(sql, params)).rows;
}
