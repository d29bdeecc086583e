/** What both benchmarks share: command-line numbers and a throw-away database of their own. */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../api/src/database/embedded-postgres';

export function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

export interface BenchDatabase {
  name: string;
  url: string;
  /** drops the database (unless `keep`) and stops the embedded server if one was started */
  dispose(keep?: boolean): Promise<void>;
}

/** A new database on DATABASE_URL's server, or on an embedded PostgreSQL in `.boomerang-bench` when it is unset. */
export async function createBenchDatabase(label: string): Promise<BenchDatabase> {
  let embedded: EmbeddedDatabase | undefined;
  let server = process.env.DATABASE_URL;
  if (!server) {
    embedded = await startEmbeddedPostgres('.boomerang-bench');
    server = embedded.url;
  }
  const at = (database: string) => {
    const url = new URL(server!);
    url.pathname = `/${database}`;
    return url.toString();
  };
  const name = `boomerang_bench_${label}_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: at('postgres') });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  return {
    name,
    url: at(name),
    async dispose(keep = false) {
      if (keep) console.log(`kept database ${name}`);
      else await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
      await embedded?.stop();
    },
  };
}
