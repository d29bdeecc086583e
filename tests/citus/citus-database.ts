/** The coordinator of the cluster `npm run test:citus` started (scripts/citus/run.ts sets CITUS_DATABASE_URL). */
import { Pool } from 'pg';
import { ENGINE_SESSION_OPTIONS } from '@boomerang/engine/runtime';

export function citusUrl(): string {
  const url = process.env.CITUS_DATABASE_URL;
  if (!url) throw new Error('CITUS_DATABASE_URL is not set: run these specs with `npm run test:citus`');
  return url;
}

export function citusPool(max = 10): Pool {
  return new Pool({ connectionString: citusUrl(), max, options: ENGINE_SESSION_OPTIONS });
}
