/**
 * A bound on the database work one API request may ask for (issue 20): the request's queries run in a transaction
 * with `SET LOCAL statement_timeout`, so a costly rule or search ends with a plain 422 instead of holding a
 * connection and a core. Only the API's request-driven reads that a caller shapes use it (estimates, contact
 * search); the engine's own statements are not bounded this way.
 */
import { UnprocessableEntityException } from '@nestjs/common';
import type { Pool, PoolClient } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';

/** PostgreSQL's `query_canceled`, which a statement timeout raises. */
const QUERY_CANCELED = '57014';

function refusal(ms: number): UnprocessableEntityException {
  return new UnprocessableEntityException(
    `the query ran longer than the API allows (${ms} ms, API_STATEMENT_TIMEOUT_MS): narrow the rule or the search`,
  );
}

const setLocal = (ms: number) => `SET LOCAL statement_timeout = ${Math.max(1, Math.floor(ms))}`;

/** `fn` on one connection of `pool`, inside a transaction bounded by `ms`; rolled back (it only reads). */
export async function readWithTimeout<T>(pool: Pool, ms: number, fn: (db: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN READ ONLY');
    await client.query(setLocal(ms));
    return await fn(client);
  } catch (error) {
    throw (error as { code?: string }).code === QUERY_CANCELED ? refusal(ms) : error;
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
    client.release();
  }
}

/** The same through TypeORM's DataSource (the API repositories' seam). */
export async function managerWithTimeout<T>(dataSource: DataSource, ms: number, fn: (db: EntityManager) => Promise<T>): Promise<T> {
  try {
    return await dataSource.transaction(async (db) => {
      await db.query(setLocal(ms));
      return fn(db);
    });
  } catch (error) {
    const e = error as { code?: string; driverError?: { code?: string } };
    throw e.code === QUERY_CANCELED || e.driverError?.code === QUERY_CANCELED ? refusal(ms) : error;
  }
}
