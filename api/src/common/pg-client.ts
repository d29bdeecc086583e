import type { PoolClient } from 'pg';
import type { EntityManager } from 'typeorm';

/**
 * The pg connection behind a TypeORM transaction, so an engine function (which speaks pg) can take part in an API
 * service's transaction: the engine stays the only writer of its tables and the change commits with the audit row.
 */
export function pgClientOf(manager: EntityManager): Pick<PoolClient, 'query'> {
  const connection = (manager.queryRunner as unknown as { databaseConnection?: PoolClient } | undefined)?.databaseConnection;
  if (!connection) throw new Error('pgClientOf needs an EntityManager inside a started transaction');
  return connection;
}
