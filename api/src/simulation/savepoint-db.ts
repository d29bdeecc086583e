/**
 * The engine's `Db` seam on ONE connection that is already inside a transaction: every engine "transaction" becomes a
 * savepoint of the outer one (BEGIN → SAVEPOINT, COMMIT → RELEASE, ROLLBACK → ROLLBACK TO), so the whole simulated run
 * is undone by the outer ROLLBACK. Use the engine with `pipeline: 1` on it (one batch at a time on one connection).
 */
import type { PoolClient, QueryResult, QueryResultRow } from 'pg';
import type { Db } from '@boomerang/engine/runtime';

export function savepointDb(client: PoolClient): Db {
  let depth = 0;
  const query = ((text: unknown, params?: unknown[]) => {
    if (typeof text === 'string') {
      const verb = text.trim().toUpperCase();
      if (verb === 'BEGIN') return client.query(`SAVEPOINT engine_${++depth}`);
      if (verb === 'COMMIT') return client.query(`RELEASE SAVEPOINT engine_${depth--}`);
      if (verb === 'ROLLBACK') {
        const name = `engine_${depth--}`;
        return client.query(`ROLLBACK TO SAVEPOINT ${name}`).then(() => client.query(`RELEASE SAVEPOINT ${name}`));
      }
    }
    return client.query(text as string, params);
  }) as PoolClient['query'];
  const pseudo = { query, release: () => undefined } as unknown as PoolClient;
  return {
    query: query as unknown as Db['query'],
    connect: (async () => pseudo) as unknown as Db['connect'],
  };
}

export type { QueryResult, QueryResultRow };
