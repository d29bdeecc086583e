/**
 * Engine benchmark: `npm run bench:engine -- --contacts 100000 [--batch 500]`.
 * Creates its own database on DATABASE_URL (embedded PostgreSQL in .boomerang-bench when unset), seeds N contacts
 * and their events server-side, activates the weekly check-in template and measures:
 *   enrollment seconds · journey steps/s (claim + facts + advance + commit) · ms per tick at 10k due journeys ·
 *   dispatcher messages/s (sandbox) · peak RSS · the raw ceiling: the same journey/log/message rows written by plain
 *   set-based statements in batches of the same size, no engine logic, and the ratio engine/ceiling.
 */
import { randomBytes } from 'node:crypto';
import { Client, Pool } from 'pg';
import { findFlowTemplate } from '@boomerang/engine';
import { Engine, loadEngineSettings, SystemClock, type TickReport } from '@boomerang/engine/runtime';
import { connectAndMigrate, createDataSource } from '../api/src/database/data-source';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../api/src/database/embedded-postgres';

const T0 = new Date('2026-03-02T12:00:00Z');
const DAY = 86_400_000;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;
const emptyReport = (now: Date): TickReport => ({ now, enrolled: 0, steps: 0, claimed: 0, batches: 0, queued: 0, sent: 0, failed: 0 });

async function main(): Promise<void> {
  const contacts = arg('contacts', 100_000);
  const batchSize = arg('batch', 500);
  let embedded: EmbeddedDatabase | undefined;
  let server = process.env.DATABASE_URL;
  if (!server) {
    embedded = await startEmbeddedPostgres('.boomerang-bench');
    server = embedded.url;
  }
  const name = `boomerang_bench_${randomBytes(3).toString('hex')}`;
  const admin = new Client({ connectionString: withDatabase(server, 'postgres') });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = withDatabase(server, name);
  const dataSource = createDataSource(url, { poolSize: 2 });
  await connectAndMigrate(dataSource);
  await dataSource.destroy();
  const db = new Pool({ connectionString: url, max: 4 });
  let peakRss = process.memoryUsage().rss;
  const sample = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
  const out: Record<string, string | number> = { contacts, batchSize };

  try {
    const server_version = (await db.query(`SHOW server_version`)).rows[0].server_version;
    out.postgres = server_version;
    // ---- seed (server-side, set-based)
    let t = process.hrtime.bigint();
    await db.query(
      `INSERT INTO contacts (external_id, attributes, consent, timezone, last_active_at, created_at)
       SELECT 'c' || g, jsonb_build_object('firstName', 'User' || g, 'pushToken', 'tok' || g, 'email', 'c' || g || '@example.com'),
              '{"push":true,"email":true}'::jsonb, 'UTC', $2::timestamptz - interval '10 days', $2::timestamptz - interval '90 days'
         FROM generate_series(1, $1) g`,
      [contacts, T0],
    );
    await db.query(
      `INSERT INTO events (contact_id, name, occurred_at, is_activity)
       SELECT c.id, 'app_open', c.last_active_at - k * interval '1 day', true FROM contacts c, generate_series(0, 2) k`,
    );
    await db.query(`ANALYZE`);
    out.seedSeconds = seconds(t).toFixed(2);
    const flow = await db.query<{ id: string }>(
      `INSERT INTO flows (name, status, current_version, live_version, settings, activated_at)
       VALUES ('bench', 'active', 1, 1, '{"holdoutPercent":10}', $1) RETURNING id`,
      [T0],
    );
    await db.query(`INSERT INTO flow_versions (flow_id, version, graph, frozen_at) VALUES ($1, 1, $2, now())`, [
      flow.rows[0].id,
      JSON.stringify(findFlowTemplate('weekly-checkin')!.graph),
    ]);

    const engine = new Engine({ db, clock: new SystemClock(), batchSize });
    const settings = await loadEngineSettings(db);

    // ---- enrollment
    t = process.hrtime.bigint();
    const enrolled = await engine.enroll(T0, settings);
    out.enrolled = enrolled;
    out.enrollmentSeconds = seconds(t).toFixed(2);

    // ---- steps: every journey: trigger → winback push → waitFor (3 node visits, a log burst and a message each)
    t = process.hrtime.bigint();
    const phase1 = emptyReport(T0);
    await engine.runDue(T0, settings, phase1);
    const engineSeconds = seconds(t);
    out.steps = phase1.steps;
    out.stepsPerSecond = Math.round(phase1.steps / engineSeconds);
    out.journeysPerSecond = Math.round(phase1.claimed / engineSeconds);

    // ---- dispatcher (sandbox)
    t = process.hrtime.bigint();
    const sent = { sent: 0, failed: 0 };
    await engine.dispatchDue(T0, sent);
    out.messagesSent = sent.sent;
    out.messagesPerSecond = Math.round(sent.sent / seconds(t));

    // ---- one tick with exactly 10k due journeys (waitFor timeout → second email → completed)
    const due = Math.min(10_000, contacts);
    const T3 = new Date(T0.getTime() + 3 * DAY);
    await db.query(
      `UPDATE journeys SET next_run_at = $1::timestamptz + interval '1 day'
        WHERE id NOT IN (SELECT id FROM journeys ORDER BY id LIMIT $2)`,
      [T3, due],
    );
    t = process.hrtime.bigint();
    const tick10k = emptyReport(T3);
    await engine.runDue(T3, settings, tick10k);
    out.msPerTickAt10kDue = Math.round(seconds(t) * 1000);
    out.tick10kClaimed = tick10k.claimed;

    // ---- raw ceiling: the phase-1 rows (journey updates, log rows, messages) written by plain set-based statements
    const logRows = await db.query(`SELECT journey_id, at, node_id, kind, detail FROM journey_log WHERE at = $1 AND kind <> 'delivery' ORDER BY id`, [T0]);
    const msgRows = await db.query(`SELECT * FROM messages ORDER BY created_at, id`);
    const jRows = await db.query(`SELECT id, state, current_node_id, next_run_at, wait, step_seq, holdout, context FROM journeys ORDER BY id`);
    await db.query(`CREATE TABLE ceil_log (LIKE journey_log INCLUDING DEFAULTS INCLUDING INDEXES)`);
    await db.query(`CREATE TABLE ceil_messages (LIKE messages INCLUDING DEFAULTS INCLUDING INDEXES)`);
    const perBatchLogs = Math.ceil(logRows.rows.length / Math.ceil(jRows.rows.length / batchSize));
    const perBatchMsgs = Math.ceil(msgRows.rows.length / Math.ceil(jRows.rows.length / batchSize));
    t = process.hrtime.bigint();
    for (let b = 0, l = 0, m = 0; b < jRows.rows.length; b += batchSize, l += perBatchLogs, m += perBatchMsgs) {
      const js = jRows.rows.slice(b, b + batchSize);
      const ls = logRows.rows.slice(l, l + perBatchLogs);
      const ms = msgRows.rows.slice(m, m + perBatchMsgs);
      const c = await db.connect();
      try {
        await c.query('BEGIN');
        await c.query(
          `UPDATE journeys j SET state = u.state, current_node_id = u.node, next_run_at = u.next_run_at, wait = u.wait,
                  step_seq = u.step_seq, holdout = u.holdout, context = u.context, updated_at = now()
             FROM unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[], $5::jsonb[], $6::int[], $7::boolean[], $8::jsonb[])
                  AS u(id, state, node, next_run_at, wait, step_seq, holdout, context) WHERE j.id = u.id`,
          [js.map((r) => r.id), js.map((r) => r.state), js.map((r) => r.current_node_id), js.map((r) => r.next_run_at),
           js.map((r) => JSON.stringify(r.wait)), js.map((r) => r.step_seq), js.map((r) => r.holdout), js.map((r) => JSON.stringify(r.context))],
        );
        if (ls.length)
          await c.query(
            `INSERT INTO ceil_log (journey_id, at, node_id, kind, detail) SELECT * FROM unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::text[], $5::jsonb[])`,
            [ls.map((r) => r.journey_id), ls.map((r) => r.at), ls.map((r) => r.node_id), ls.map((r) => r.kind), ls.map((r) => JSON.stringify(r.detail))],
          );
        if (ms.length)
          await c.query(
            `INSERT INTO ceil_messages (id, idempotency_key, journey_id, flow_id, flow_version, contact_id, node_id, channel, status, content, cost_cents, attempts, next_attempt_at, created_at)
             SELECT u.id, u.key, u.journey_id, u.flow_id, 1, u.contact_id, u.node_id, u.channel, 'queued', u.content, 0, 0, u.at, u.at
               FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::uuid[], $5::bigint[], $6::text[], $7::text[], $8::jsonb[], $9::timestamptz[])
                    AS u(id, key, journey_id, flow_id, contact_id, node_id, channel, content, at)`,
            [ms.map((r) => r.id), ms.map((r) => r.idempotency_key), ms.map((r) => r.journey_id), ms.map((r) => r.flow_id), ms.map((r) => r.contact_id),
             ms.map((r) => r.node_id), ms.map((r) => r.channel), ms.map((r) => JSON.stringify(r.content)), ms.map((r) => r.created_at)],
          );
        await c.query('COMMIT');
      } finally {
        c.release();
      }
    }
    const ceilingSeconds = seconds(t);
    out.ceilingJourneysPerSecond = Math.round(jRows.rows.length / ceilingSeconds);
    out.ceilingStepsPerSecond = Math.round(phase1.steps / ceilingSeconds);
    out.engineOverCeiling = (ceilingSeconds / engineSeconds).toFixed(2);
    clearInterval(sample);
    out.peakRssMiB = Math.round(Math.max(peakRss, process.resourceUsage().maxRSS * 1024) / 1048576);
    for (const [k, v] of Object.entries(out)) console.log(`${k.padEnd(26)} ${v}`);
  } finally {
    clearInterval(sample);
    await db.end();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
    await embedded?.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
