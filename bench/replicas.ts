/**
 * Engine replicas on one PostgreSQL: `npm run bench:replicas -- [--contacts 30000] [--replicas 1,2,4] [--batch 500]`.
 * For each replica count: a fresh database (DATABASE_URL's server, else embedded), N contacts inactive for 10 days,
 * one active inactivity flow (trigger → push → delay P1D: 3 steps and one message per treatment journey, 10 %
 * holdout), enrolled up front (untimed). Then R engine processes, already started and connected, run one tick each at
 * the same instant, released together; the time is from the release until the last one finishes its tick (every
 * due journey advanced, every message dispatched through the sandbox). Prints steps/s, journeys/s and messages/s
 * per replica count, and the load average while measuring.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { Engine, SystemClock, ENGINE_SESSION_OPTIONS } from '@boomerang/engine/runtime';
import { connectAndMigrate, createDataSource } from '../api/src/database/data-source';
import { arg, createBenchDatabase } from './bench-database';

const T0 = new Date('2026-03-02T12:00:00Z');
const root = join(__dirname, '..');

const graph = {
  nodes: [
    { id: 't', type: 'trigger', position: { x: 0, y: 0 }, data: { kind: 'inactive', days: 3 } },
    {
      id: 'm',
      type: 'channel',
      position: { x: 0, y: 1 },
      data: { channel: 'push', template: { title: 'Hi', body: 'We miss you {{firstName}}' } },
    },
    { id: 'd', type: 'delay', position: { x: 0, y: 2 }, data: { duration: 'P1D' } },
  ],
  edges: [
    { id: 'e1', source: 't', target: 'm' },
    { id: 'e2', source: 'm', target: 'd' },
  ],
};

async function run(replicas: number, contacts: number, batch: number): Promise<Record<string, string | number>> {
  const database = await createBenchDatabase(`replicas${replicas}`);
  const children: ChildProcess[] = [];
  const db = new Pool({ connectionString: database.url, max: 4, options: ENGINE_SESSION_OPTIONS });
  db.on('error', () => undefined); // the teardown's DROP DATABASE … WITH (FORCE) ends idle connections
  try {
    const dataSource = createDataSource(database.url, { poolSize: 2 });
    await connectAndMigrate(dataSource);
    await dataSource.destroy();
    const old = new Date(T0.getTime() - 10 * 86_400_000);
    await db.query(
      `INSERT INTO contacts (external_id, attributes, consent, timezone, last_active_at, created_at, updated_at)
       SELECT 'c' || g, jsonb_build_object('pushToken', 'tok' || g, 'firstName', 'N' || g), '{"push":true}', 'UTC', $2, $2, $2
         FROM generate_series(1, $1) g`,
      [contacts, old],
    );
    await db.query(`VACUUM ANALYZE contacts`);
    const flow = await db.query<{ id: string }>(
      `INSERT INTO flows (name, status, current_version, live_version, settings, activated_at)
       VALUES ('bench', 'active', 1, 1, '{"holdoutPercent":10}', $1) RETURNING id`,
      [T0],
    );
    await db.query(`INSERT INTO flow_versions (flow_id, version, graph, frozen_at) VALUES ($1, 1, $2, now())`, [
      flow.rows[0].id,
      JSON.stringify(graph),
    ]);
    console.error(`seeded ${contacts} contacts; enrolling`);
    const enrolled = await new Engine({ db, clock: new SystemClock(), heartbeat: false }).enroll(T0);
    await db.query(`VACUUM ANALYZE journeys`);

    const outputs: string[] = [];
    const done: Promise<void>[] = [];
    for (let i = 0; i < replicas; i++) {
      const child = spawn(process.execPath, ['-r', '@swc-node/register', 'bench/replica-worker.ts'], {
        cwd: root,
        env: { ...process.env, DATABASE_URL: database.url, BENCH_NOW: T0.toISOString(), ENGINE_BATCH_SIZE: String(batch) },
        stdio: ['pipe', 'pipe', 'inherit'],
      });
      children.push(child);
      outputs.push('');
      child.stdout!.on('data', (c: Buffer) => (outputs[i] += c.toString()));
      done.push(
        new Promise((resolve, reject) =>
          child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`replica ${i} exited ${code}`)))),
        ),
      );
    }
    while (outputs.some((o) => !o.includes('ready'))) await new Promise((r) => setTimeout(r, 50));
    console.error(`${replicas} replica(s) ready; ${enrolled} journeys due`);
    const load = loadavg()[0];
    const started = process.hrtime.bigint();
    for (const child of children) child.stdin!.end('go\n');
    await Promise.all(done);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const reports = outputs.map((o) => JSON.parse(/done (.*)/.exec(o)![1]) as { steps: number; claimed: number; sent: number });
    const steps = Number((await db.query<{ n: string }>(`SELECT count(*) n FROM journey_log WHERE step IS NOT NULL`)).rows[0].n);
    const messages = Number((await db.query<{ n: string }>(`SELECT count(*) n FROM messages WHERE status <> 'queued'`)).rows[0].n);
    const left = Number(
      (await db.query<{ n: string }>(`SELECT count(*) n FROM journeys WHERE state = 'waiting' AND next_run_at <= $1`, [T0])).rows[0].n,
    );
    return {
      replicas,
      journeys: enrolled,
      seconds: seconds.toFixed(2),
      stepsPerSecond: Math.round(steps / seconds),
      journeysPerSecond: Math.round(enrolled / seconds),
      messagesPerSecond: Math.round(messages / seconds),
      claimedPerReplica: reports.map((r) => r.claimed).join('/'),
      dueLeft: left,
      loadAverage: load.toFixed(2),
    };
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await db.end();
    await database.dispose();
  }
}

async function main(): Promise<void> {
  const contacts = arg('contacts', 30_000);
  const batch = arg('batch', 500);
  const i = process.argv.indexOf('--replicas');
  const counts = (i >= 0 ? process.argv[i + 1] : '1,2,4').split(',').map(Number);
  const rows = [];
  for (const r of counts) {
    const row = await run(r, contacts, batch);
    console.log(JSON.stringify(row));
    rows.push(row);
  }
  console.table(rows);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
