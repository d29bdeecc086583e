/**
 * `npm run test:citus [-- jest args]`: builds Citus once (build.sh, cached in ~/.cache/boomerang/citus), starts a coordinator and
 * two workers (cluster.ts), runs the migrations on the coordinator exactly as on plain PostgreSQL, distributes the
 * schema (distribute.sql), runs the jest specs of tests/citus against it and stops the instances.
 * `--keep` leaves the cluster running (its URL and the stop command are printed) for working on a spec.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { connectAndMigrate, createDataSource } from '../../api/src/database/data-source';
import { startCitusCluster } from './cluster';

const repo = join(__dirname, '..', '..');

function seconds(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const keep = args.includes('--keep');
  const jestArgs = args.filter((a) => a !== '--keep');

  let since = Date.now();
  execFileSync('bash', [join(__dirname, 'build.sh')], { stdio: 'inherit' });
  console.log(`citus: build step ${seconds(since)}`);

  since = Date.now();
  const cluster = await startCitusCluster();
  let kept = false;
  console.log(`citus: coordinator and 2 workers up in ${seconds(since)} (${cluster.root})`);
  try {
    since = Date.now();
    const dataSource = createDataSource(cluster.url);
    const applied = await connectAndMigrate(dataSource);
    await dataSource.destroy();
    const client = new Client({ connectionString: cluster.url });
    await client.connect();
    await client.query(readFileSync(join(__dirname, 'distribute.sql'), 'utf8'));
    const { rows } = await client.query<{ kind: string; n: number }>(
      `SELECT citus_table_type AS kind, count(*)::int AS n FROM citus_tables GROUP BY 1 ORDER BY 1`,
    );
    await client.end();
    console.log(
      `citus: ${applied.length} migrations applied and schema distributed in ${seconds(since)}: ` +
        rows.map((r) => `${r.n} ${r.kind}`).join(', '),
    );
    if (keep) {
      kept = true;
      console.log(`citus: kept running. CITUS_DATABASE_URL=${cluster.url}`);
      console.log(
        `citus: stop with: for n in coordinator worker1 worker2; do runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl -D ${cluster.root}/$n -m fast stop; done`,
      );
      return 0;
    }
    since = Date.now();
    const jest = spawnSync('npx', ['jest', '-c', join(repo, 'tests/citus/jest.config.js'), '--runInBand', ...jestArgs], {
      cwd: repo,
      stdio: 'inherit',
      env: { ...process.env, CITUS_DATABASE_URL: cluster.url },
    });
    console.log(`citus: specs ran in ${seconds(since)}`);
    return jest.status ?? 1;
  } finally {
    if (!kept) {
      since = Date.now();
      cluster.stop();
      console.log(`citus: cluster stopped in ${seconds(since)}`);
    }
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
