/**
 * The runtime's only I/O seam: a pg pool (or anything shaped like one). The Nest app hands in TypeORM's own pool so
 * the engine shares the process's connections; tests and the bench hand in their own pools.
 */
import type { Pool, PoolClient, QueryResultRow } from 'pg';

export type Db = Pick<Pool, 'query' | 'connect'>;
export type Tx = PoolClient;

/** Runs `work` in one transaction on one connection; rolls back on any error. */
export async function inTransaction<T>(db: Db, work: (tx: Tx) => Promise<T>): Promise<T> {
  const tx = await db.connect();
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
