/**
 * `npm run bench:citus-distribute -- [--contacts 100000]`: how long moving an installation onto Citus takes
 * (docs/SCALING.md §5, step 5). Builds Citus once (scripts/citus/build.sh), starts a throw-away coordinator and two
 * workers (scripts/citus/cluster.ts, ports from CITUS_PORT_BASE, default 9730), migrates the coordinator as plain
 * PostgreSQL, fills it as an installation would be before the move (N contacts with a push token, 3 events each, an
 * active flow enrolling every contact), then times `scripts/citus/distribute.sql` over those rows and checks every
 * row is still there. Prints the figures and stops the cluster.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Pool } from 'pg';
import { startCitusCluster } from '../scripts/citus/cluster';
import { connectAndMigrate, createDataSource } from '../api/src/database/data-source';
import { Engine, VirtualClock, ENGINE_SESSION_OPTIONS } from '../engine/src/runtime';
import { createActiveFlow, sendThenWaitGraph } from '../tests/support/engine-fixtures';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

async function main(): Promise<void> {
  const contacts = arg('contacts', 100_000);
  execFileSync('bash', [join(__dirname, '..', 'scripts', 'citus', 'build.sh')], { stdio: 'inherit' });
  const cluster = await startCitusCluster(Number(process.env.CITUS_PORT_BASE ?? 9730));
  try {
    const dataSource = createDataSource(cluster.url);
    await connectAndMigrate(dataSource);
    await dataSource.destroy();
    const db = new Client({ connectionString: cluster.url });
    await db.connect();
    const now = new Date();
    let since = Date.now();
    await db.query(
      `INSERT INTO contacts (external_id, created_at, updated_at, last_active_at, consent, attributes)
       SELECT 'u' || i, $2, $2, $2::timestamptz - interval '10 days', '{"push":true}', jsonb_build_object('pushToken', 'tok' || i)
         FROM generate_series(1, $1) i`,
      [contacts, now],
    );
    await db.query(
      `INSERT INTO events (contact_id, name, occurred_at, received_at, is_activity)
       SELECT c.id, 'app_open', $1::timestamptz - k * interval '11 days', $1, true FROM contacts c, generate_series(1, 3) k`,
      [now],
    );
    const pool = new Pool({ connectionString: cluster.url, max: 4, options: ENGINE_SESSION_OPTIONS });
    await createActiveFlow(pool, sendThenWaitGraph());
    const enrolled = await new Engine({ db: pool, clock: new VirtualClock(pool, () => now), batchSize: 500 }).enroll(now);
    await pool.end();
    const size = (await db.query<{ size: string }>(`SELECT pg_size_pretty(pg_database_size(current_database())) AS size`)).rows[0].size;
    console.log(`seeded ${contacts} contacts, ${3 * contacts} events, ${enrolled} journeys (${size}) in ${Date.now() - since} ms`);

    since = Date.now();
    await db.query(readFileSync(join(__dirname, '..', 'scripts', 'citus', 'distribute.sql'), 'utf8'));
    console.log(`distribute.sql over them: ${Date.now() - since} ms`);
    const counts = (
      await db.query<Record<string, string>>(
        `SELECT (SELECT count(*) FROM contacts) AS contacts, (SELECT count(*) FROM events) AS events,
                (SELECT count(*) FROM journeys) AS journeys, (SELECT count(*) FROM contact_external_ids) AS external_ids,
                (SELECT count(*) FROM citus_tables WHERE citus_table_type = 'distributed') AS distributed_tables`,
      )
    ).rows[0];
    console.log('after the move', counts);
    if (Number(counts.contacts) !== contacts || Number(counts.events) !== 3 * contacts || Number(counts.journeys) !== enrolled) {
      throw new Error('rows lost in the move');
    }
    await db.end();
  } finally {
    cluster.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
