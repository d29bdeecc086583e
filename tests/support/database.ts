import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { connectAndMigrate, createDataSource } from '../../api/src/database/data-source';

export function serverUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set: run the tests through jest so global-setup provides one');
  return url;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function adminQuery(sql: string): Promise<void> {
  const client = new Client({ connectionString: withDatabase(serverUrl(), 'postgres') });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** A brand-new, empty database on the test server: test files never share state and can run in parallel. */
export async function createTestDatabase(label = 'test'): Promise<TestDatabase> {
  const name = `boomerang_${label.replace(/\W/g, '_').slice(0, 30)}_${randomBytes(4).toString('hex')}`.toLowerCase();
  await adminQuery(`CREATE DATABASE ${name}`);
  return {
    name,
    url: withDatabase(serverUrl(), name),
    drop: () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

export interface MigratedDatabase extends TestDatabase {
  dataSource: DataSource;
  close(): Promise<void>;
}

/** A fresh database with every migration applied and a connected DataSource. */
export async function createMigratedDatabase(label = 'test', poolSize = 10): Promise<MigratedDatabase> {
  const database = await createTestDatabase(label);
  const dataSource = createDataSource(database.url, { poolSize, logErrors: false });
  await connectAndMigrate(dataSource);
  return {
    ...database,
    dataSource,
    async close() {
      if (dataSource.isInitialized) await dataSource.destroy();
      await database.drop();
    },
  };
}
