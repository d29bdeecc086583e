import { DataSource } from 'typeorm';
import { ENGINE_SESSION_OPTIONS } from '@boomerang/engine/runtime';
import { loadMigrations } from '@boomerang/migrations';

/** The one TypeORM DataSource of a process; schema changes only ever come from `migrations/`. */
export function createDataSource(url: string, options: { poolSize?: number; logErrors?: boolean } = {}): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    migrations: loadMigrations(),
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    // gen_random_uuid() is built into PostgreSQL 13+: no extension to install
    installExtensions: false,
    uuidExtension: 'pgcrypto',
    logging: options.logErrors === false ? false : ['error'],
    extra: { max: options.poolSize ?? 10, application_name: 'boomerang', options: ENGINE_SESSION_OPTIONS },
  });
}

/** Connects and applies pending migrations; returns the names applied. */
export async function connectAndMigrate(dataSource: DataSource): Promise<string[]> {
  if (!dataSource.isInitialized) await dataSource.initialize();
  const applied = await dataSource.runMigrations({ transaction: 'each' });
  return applied.map((migration) => migration.name);
}
