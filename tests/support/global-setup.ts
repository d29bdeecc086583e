import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from '../../api/src/database/embedded-postgres';

/**
 * Database tests run against `DATABASE_URL` when it is set (CI points it at the machine's PostgreSQL);
 * otherwise one embedded PostgreSQL serves the whole run. Each test file then makes its own database.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.DATABASE_URL) return;
  const dir = mkdtempSync(join(tmpdir(), 'boomerang-test-pg-'));
  const embedded = await startEmbeddedPostgres(dir);
  process.env.DATABASE_URL = embedded.url;
  (globalThis as { __embeddedPostgres?: typeof embedded }).__embeddedPostgres = embedded;
}
