/**
 * A real Citus cluster on this machine: a coordinator and two workers, each its own PostgreSQL 15 instance (Debian's
 * binaries, Citus installed by `build.sh`) on a loopback port, trust authentication, data under a temporary folder.
 * Used by `run.ts` (`npm run test:citus`); nothing here is needed on plain PostgreSQL.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

const postgresBin = process.env.CITUS_PG_BIN ?? '/usr/lib/postgresql/15/bin';
export const CITUS_DATABASE = 'boomerang';

export interface CitusNode {
  name: 'coordinator' | 'worker1' | 'worker2';
  port: number;
  dataDir: string;
}

export interface CitusCluster {
  root: string;
  nodes: CitusNode[];
  /** the coordinator's URL of the application database */
  url: string;
  stop(options?: { keepData?: boolean }): void;
}

/** initdb refuses to run as root: every server command runs as the `postgres` OS user. */
function asPostgres(command: string, args: string[]): string {
  return execFileSync('runuser', ['-u', 'postgres', '--', join(postgresBin, command), ...args], { encoding: 'utf8', stdio: 'pipe' });
}

export function nodeUrl(port: number, database = CITUS_DATABASE): string {
  return `postgres://postgres@127.0.0.1:${port}/${database}`;
}

async function run(port: number, database: string, statements: string[]): Promise<void> {
  const client = new Client({ connectionString: nodeUrl(port, database) });
  await client.connect();
  try {
    for (const sql of statements) await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Starts the three instances, creates the application database with the citus extension on each, registers the workers. */
export async function startCitusCluster(basePort = Number(process.env.CITUS_PORT_BASE ?? 9700)): Promise<CitusCluster> {
  const root = mkdtempSync(join(tmpdir(), 'boomerang-citus-'));
  chmodSync(root, 0o777);
  const nodes: CitusNode[] = (['coordinator', 'worker1', 'worker2'] as const).map((name, i) => ({
    name,
    port: basePort + i,
    dataDir: join(root, name),
  }));
  const started: CitusNode[] = [];
  const stop = (options: { keepData?: boolean } = {}) => {
    for (const node of started.splice(0)) {
      try {
        asPostgres('pg_ctl', ['-D', node.dataDir, '-m', 'fast', '-w', 'stop']);
      } catch (error) {
        console.error(`citus cluster: stopping ${node.name} failed: ${(error as Error).message}`);
      }
    }
    if (!options.keepData) rmSync(root, { recursive: true, force: true });
  };
  try {
    for (const node of nodes) {
      asPostgres('initdb', ['-D', node.dataDir, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8']);
      appendFileSync(
        join(node.dataDir, 'postgresql.conf'),
        [
          `port = ${node.port}`,
          `listen_addresses = '127.0.0.1'`,
          `unix_socket_directories = '${node.dataDir}'`,
          `shared_preload_libraries = 'citus'`,
          `max_connections = 200`,
          // a test cluster: durability is not what is measured here
          `fsync = off`,
          `synchronous_commit = off`,
          `full_page_writes = off`,
          // the schema's two row triggers (frozen flow versions, append-only journey log) run on the shards
          `citus.enable_unsafe_triggers = on`,
          // 8 shards per table instead of Citus's 32: the same routing (every locking statement on one shard, several
          // shards per worker), a quarter of the tasks for each statement that reads every shard, on a 2-core host
          `citus.shard_count = 8`,
          '',
        ].join('\n'),
      );
      asPostgres('pg_ctl', ['-D', node.dataDir, '-l', join(root, `${node.name}.log`), '-w', 'start']);
      started.push(node);
    }
    for (const node of nodes) {
      await run(node.port, 'postgres', [`CREATE DATABASE ${CITUS_DATABASE}`]);
      await run(node.port, CITUS_DATABASE, ['CREATE EXTENSION citus']);
    }
    const [coordinator, ...workers] = nodes;
    await run(coordinator.port, CITUS_DATABASE, [
      `SELECT citus_set_coordinator_host('127.0.0.1', ${coordinator.port})`,
      ...workers.map((w) => `SELECT citus_add_node('127.0.0.1', ${w.port})`),
    ]);
  } catch (error) {
    stop({ keepData: true });
    throw new Error(`citus cluster: start failed (logs kept in ${root}): ${(error as Error).message}`, { cause: error });
  }
  return { root, nodes, url: nodeUrl(nodes[0].port), stop };
}
