/**
 * Engine benchmark: `npm run bench:engine -- --contacts 100000 [--batch 500] [--keep]`.
 * Creates its own database on DATABASE_URL (embedded PostgreSQL in .boomerang-bench when unset), seeds N contacts
 * and three old `app_open` events each in SQL (generate_series), activates the weekly check-in template and measures:
 *   enrollment seconds · journey steps/s (claim + facts + advance + commit; steps = journey_log rows that record a node visit (`step` set),
 *   divided by the time of the ticks that wrote them) · one full tick (enroll + steps + dispatch) with exactly 10k due
 *   journeys · dispatcher messages/s (sandbox) · peak RSS of the engine phases · the raw ceiling: the same journey
 *   updates, log rows and messages (each with its idempotency key in message_keys) the steps phase wrote, written
 *   again into the same tables (same indexes, foreign keys and triggers, same server settings) by plain multi-row statements in transactions of the same batch size, no
 *   engine logic; only the write transactions are timed. Ratio = engine steps/s ÷ ceiling steps/s.
 * Nothing here holds more than one batch of rows in memory.
 */
import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { findFlowTemplate } from '@boomerang/engine';
import {
  Engine,
  ingestEventRows,
  loadEngineSettings,
  SystemClock,
  type TickReport,
  ENGINE_SESSION_OPTIONS,
} from '@boomerang/engine/runtime';
import { connectAndMigrate, createDataSource } from '../api/src/database/data-source';
import { arg, createBenchDatabase } from './bench-database';

const T0 = new Date('2026-03-02T12:00:00Z');
const DAY = 86_400_000;
const MiB = 1_048_576;

const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;
const emptyReport = (now: Date): TickReport => ({ now, enrolled: 0, steps: 0, claimed: 0, batches: 0, queued: 0, sent: 0, failed: 0 });

/** Peak RSS sampled every 20 ms, per phase. */
class RssProbe {
  peak = 0;
  private timer = setInterval(() => this.sample(), 20);
  sample(): void {
    this.peak = Math.max(this.peak, process.memoryUsage.rss());
  }
  reset(): void {
    this.peak = process.memoryUsage.rss();
  }
  stop(): number {
    this.sample();
    clearInterval(this.timer);
    return Math.round(this.peak / MiB);
  }
}

async function main(): Promise<void> {
  const contacts = arg('contacts', 100_000);
  const batchSize = arg('batch', Number(process.env.ENGINE_BATCH_SIZE ?? 500));
  // --measure-journeys M: the steps phase stops after M journeys (a bounded window of the N-journey tick, for 1M)
  const measureJourneys = arg('measure-journeys', 0);
  const pipeline = arg('pipeline', 2);
  const database = await createBenchDatabase('engine');
  const url = database.url;
  const dataSource = createDataSource(url, { poolSize: 2 });
  await connectAndMigrate(dataSource);
  await dataSource.destroy();
  const db = new Pool({ connectionString: url, max: 4, options: ENGINE_SESSION_OPTIONS });
  // an idle connection the server ends (a restart, an administrator) must not crash the run: the pool replaces it
  db.on('error', (error) => console.error(`pool: idle connection lost (${error.message})`));
  // every figure is printed as soon as it is measured (a run cut short still shows what it measured)
  const out = new Proxy({} as Record<string, string | number>, {
    set(target, key: string, value: string | number) {
      target[key] = value;
      console.log(`${key.padEnd(28)} ${value}`);
      return true;
    },
  });
  Object.assign(out, { contacts, batchSize, pipeline, measureJourneys: measureJourneys || 'all' });

  try {
    out.postgres = (await db.query(`SHOW server_version`)).rows[0].server_version;
    out.node = process.version;
    out.synchronousCommit = (await db.query(`SHOW synchronous_commit`)).rows[0].synchronous_commit;
    // ---- seed (server-side, set-based; not measured as engine work)
    let t = process.hrtime.bigint();
    await db.query(
      `INSERT INTO contacts (external_id, attributes, consent, timezone, last_active_at, created_at, updated_at)
       SELECT 'c' || g, jsonb_build_object('firstName', 'User' || g, 'pushToken', 'tok' || g, 'email', 'c' || g || '@example.com'),
              '{"push":true,"email":true}'::jsonb, 'UTC', $2::timestamptz - interval '10 days', $2::timestamptz - interval '90 days',
              $2::timestamptz - interval '90 days'
         FROM generate_series(1, $1) g`,
      [contacts, T0],
    );
    await db.query(
      `INSERT INTO events (contact_id, name, occurred_at, is_activity, received_at)
       SELECT c.id, 'app_open', c.last_active_at - k * interval '1 day', true, c.last_active_at - k * interval '1 day' FROM contacts c, generate_series(0, 2) k ORDER BY c.id, k`,
    );
    await db.query(`VACUUM ANALYZE contacts`);
    await db.query(`VACUUM ANALYZE events`);
    out.seedSeconds = seconds(t).toFixed(2);
    if (process.argv.includes('--trigger') && process.argv[process.argv.indexOf('--trigger') + 1] === 'event') {
      await eventTriggerBench(db, contacts, batchSize, pipeline, out);
      return;
    }
    const flow = await db.query<{ id: string }>(
      `INSERT INTO flows (name, status, current_version, live_version, settings, activated_at)
       VALUES ('bench', 'active', 1, 1, '{"holdoutPercent":10}', $1) RETURNING id`,
      [T0],
    );
    await db.query(`INSERT INTO flow_versions (flow_id, version, graph, frozen_at) VALUES ($1, 1, $2, now())`, [
      flow.rows[0].id,
      JSON.stringify(findFlowTemplate('weekly-checkin')!.graph),
    ]);

    const engine = new Engine({ db, clock: new SystemClock(), batchSize, pipeline });
    const settings = await loadEngineSettings(db);
    global.gc?.();
    out.rssBeforeEngineMiB = Math.round(process.memoryUsage.rss() / MiB);
    const rss = new RssProbe();

    // ---- enrollment
    t = process.hrtime.bigint();
    const enrolled = await engine.enroll(T0, settings);
    out.enrolled = enrolled;
    out.enrollmentSeconds = seconds(t).toFixed(2);
    // a quiet tick's enrollment: nobody crossed the threshold since the sweep above (incremental candidates only)
    t = process.hrtime.bigint();
    out.quietTickEnrolled = await engine.enroll(new Date(T0.getTime() + 10_000), settings);
    out.quietTickEnrollMs = (seconds(t) * 1000).toFixed(1);

    // ---- steps: every journey: trigger → win-back push → waitFor (3 node visits; 3 log rows and a message each)
    const logsBefore = await count(db, `SELECT count(*) n FROM journey_log`);
    const firstLogId = (await db.query(`SELECT COALESCE(max(id), 0) m FROM journey_log`)).rows[0].m as string;
    t = process.hrtime.bigint();
    const phase1 = emptyReport(T0);
    await engine.runDue(T0, settings, phase1, measureJourneys ? { maxClaimed: measureJourneys } : undefined);
    const engineSeconds = seconds(t);
    const nodeRows = await count(db, `SELECT count(*) n FROM journey_log WHERE step IS NOT NULL`);
    if (nodeRows !== phase1.steps) throw new Error(`engine reported ${phase1.steps} steps but logged ${nodeRows} visits`);
    const phase1Logs = (await count(db, `SELECT count(*) n FROM journey_log`)) - logsBefore;
    const phase1Messages = await count(db, `SELECT count(*) n FROM messages`);
    out.stepsSeconds = engineSeconds.toFixed(2);
    out.steps = nodeRows;
    out.logRows = phase1Logs;
    // what the journey log costs per journey on disk (heap + indexes + TOAST), the figure leaner writes must lower
    // (a partitioned table's own size is 0: its months and the default partition hold the rows)
    const logBytes = await count(
      db,
      `SELECT pg_total_relation_size('journey_log') + coalesce(sum(pg_total_relation_size(inhrelid)), 0) n
         FROM pg_inherits WHERE inhparent = 'journey_log'::regclass`,
    );
    out.logRowsPerJourney = (phase1Logs / Math.max(1, phase1.claimed)).toFixed(2);
    out.logBytesPerJourney = Math.round(logBytes / Math.max(1, phase1.claimed));
    out.messagesQueued = phase1Messages;
    out.batches = phase1.batches;
    out.stepsPerSecond = Math.round(nodeRows / engineSeconds);
    out.journeysPerSecond = Math.round(phase1.claimed / engineSeconds);
    out.rssAfterStepsMiB = Math.round(process.memoryUsage.rss() / MiB);
    if (measureJourneys) {
      // journeys the window did not reach are moved out of the way (untimed) so the tick below has exactly 10k due
      t = process.hrtime.bigint();
      await db.query(`UPDATE journeys SET next_run_at = $1 WHERE state = 'waiting' AND next_run_at <= $2`, [
        new Date(T0.getTime() + 30 * DAY),
        T0,
      ]);
      await db.query(`VACUUM ANALYZE journeys`);
      out.parkSeconds = seconds(t).toFixed(2);
    }

    // ---- dispatcher (sandbox)
    t = process.hrtime.bigint();
    const sent = { sent: 0, failed: 0 };
    await engine.dispatchDue(T0, sent);
    out.messagesSent = sent.sent;
    out.messagesPerSecond = Math.round(sent.sent / seconds(t));

    // ---- one full tick (enroll + steps + dispatch) with exactly 10k due journeys: their waitFor times out a day
    // early (both next_run_at and the wait's own timeout move), then: timeout → second attempt by email → completed
    const due = Math.min(10_000, contacts);
    const T2 = new Date(T0.getTime() + 2 * DAY);
    await db.query(
      `UPDATE journeys j SET next_run_at = $1, wait = jsonb_set(j.wait, '{timeoutAt}', to_jsonb($2::text))
         FROM (SELECT id FROM journeys WHERE state = 'waiting' ORDER BY next_run_at, id LIMIT $3) d WHERE j.id = d.id`,
      [T2, T2.toISOString(), due],
    );
    await db.query(`VACUUM ANALYZE journeys`);
    const stepsBefore = await count(db, `SELECT count(*) n FROM journey_log WHERE step IS NOT NULL`);
    // exactly what Engine.tick does (settings, enroll, stepAndDispatch), timed part by part
    const tickStart = process.hrtime.bigint();
    const tick = emptyReport(T2);
    const tickSettings = await loadEngineSettings(db);
    t = process.hrtime.bigint();
    tick.enrolled = await engine.enroll(T2, tickSettings);
    const tickEnrollMs = seconds(t) * 1000;
    t = process.hrtime.bigint();
    // the steps and the dispatcher overlap (Engine.stepAndDispatch: the outbox drains while later batches advance)
    await engine.stepAndDispatch(T2, tickSettings, tick);
    const tickStepsAndDispatchMs = seconds(t) * 1000;
    out.msPerTickAt10kDue = Math.round(seconds(tickStart) * 1000);
    out.tickBreakdownMs = `enroll ${Math.round(tickEnrollMs)} · steps with dispatch overlapped ${Math.round(tickStepsAndDispatchMs)}`;
    out.tickClaimed = tick.claimed;
    out.tickSteps = (await count(db, `SELECT count(*) n FROM journey_log WHERE step IS NOT NULL`)) - stepsBefore;
    out.tickSent = tick.sent;
    out.peakRssMiB = rss.stop();

    // ---- raw ceiling: the steps phase's rows written again by plain statements into the same tables, batch by batch
    const ceiling = await rawCeiling(db, batchSize, T0, {
      journeys: phase1.claimed,
      logs: phase1Logs,
      messages: phase1Messages,
      firstLogId,
    });
    out.ceilingJourneys = ceiling.journeys;
    out.ceilingLogRows = ceiling.logs;
    out.ceilingMessages = ceiling.messages;
    out.ceilingSeconds = ceiling.seconds.toFixed(2);
    out.ceilingStepsPerSecond = Math.round(nodeRows / ceiling.seconds);
    out.engineOverCeiling = (ceiling.seconds / engineSeconds).toFixed(2);
    out.peakRssWholeRunMiB = Math.round((process.resourceUsage().maxRSS * 1024) / MiB);
  } finally {
    await db.end();
    await database.dispose(process.argv.includes('--keep'));
  }
}

/**
 * `--trigger event`: enrollment throughput from ingested events. N events (one per contact) go through the engine's
 * ingest statement in batches of 1,000, 4 in flight (timed: ingest events/s, trigger inbox rows included); then one
 * enrollment drains the inbox into journeys (timed: events/s drained).
 */
async function eventTriggerBench(
  db: Pool,
  contacts: number,
  batchSize: number,
  pipeline: number,
  out: Record<string, string | number>,
): Promise<void> {
  const graph = {
    nodes: [
      { id: 't', type: 'trigger', position: { x: 0, y: 0 }, data: { kind: 'event', event: 'winback' } },
      {
        id: 'm',
        type: 'channel',
        position: { x: 0, y: 1 },
        data: { channel: 'push', template: { title: 'Hi', body: 'Hello {{firstName}}' } },
      },
    ],
    edges: [{ id: 'e1', source: 't', target: 'm' }],
  };
  const flow = await db.query<{ id: string }>(
    `INSERT INTO flows (name, status, current_version, live_version, settings, activated_at)
     VALUES ('bench event', 'active', 1, 1, '{"holdoutPercent":10}', $1) RETURNING id`,
    [T0],
  );
  await db.query(`INSERT INTO flow_versions (flow_id, version, graph, frozen_at) VALUES ($1, 1, $2, now())`, [
    flow.rows[0].id,
    JSON.stringify(graph),
  ]);
  const defaults = { createContactsOnEvent: true, nonActivityEvents: [] };
  let next = 0;
  let t = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (;;) {
        const from = next;
        if (from >= contacts) return;
        next += 1000;
        const rows = Array.from({ length: Math.min(1000, contacts - from) }, (_, k) => ({
          e: `c${from + k + 1}`,
          n: 'winback',
          t: T0.toISOString(),
          p: {},
        }));
        await ingestEventRows(db, rows, T0, defaults);
      }
    }),
  );
  const ingestSeconds = seconds(t);
  out.eventsIngested = contacts;
  out.ingestEventsPerSecond = Math.round(contacts / ingestSeconds);
  out.inboxRows = await count(db, `SELECT count(*) n FROM trigger_inbox`);
  const engine = new Engine({ db, clock: new SystemClock(), batchSize, pipeline });
  const settings = await loadEngineSettings(db);
  t = process.hrtime.bigint();
  const enrolled = await engine.enroll(new Date(T0.getTime() + 1000), settings);
  const enrollSeconds = seconds(t);
  out.enrolledFromEvents = enrolled;
  out.eventEnrollmentSeconds = enrollSeconds.toFixed(2);
  out.eventEnrollmentEventsPerSecond = Math.round(contacts / enrollSeconds);
  out.inboxRowsLeft = await count(db, `SELECT count(*) n FROM trigger_inbox`);
  t = process.hrtime.bigint();
  out.quietTickEnrolled = await engine.enroll(new Date(T0.getTime() + 2000), settings);
  out.quietTickEnrollMs = (seconds(t) * 1000).toFixed(1);
}

async function count(db: Pool, sql: string): Promise<number> {
  return Number((await db.query<{ n: string }>(sql)).rows[0].n);
}

/**
 * Journeys in id order, `batchSize` at a time (keyset): read (untimed) each batch's journey rows, the log rows and
 * messages the steps phase wrote for them, then time one transaction that writes them with plain multi-row
 * statements: UPDATE journeys (same columns as the engine), INSERT journey_log, INSERT messages (fresh id and key).
 */
async function rawCeiling(
  db: Pool,
  batchSize: number,
  at: Date,
  phase: { journeys: number; logs: number; messages: number; firstLogId: string },
): Promise<{ journeys: number; logs: number; messages: number; seconds: number }> {
  let last = '00000000-0000-0000-0000-000000000000';
  let lastLog = phase.firstLogId;
  let lastMessage = '00000000-0000-0000-0000-000000000000';
  let elapsed = 0n;
  const totals = { journeys: 0, logs: 0, messages: 0 };
  const c = await db.connect();
  try {
    const batches = Math.ceil(phase.journeys / batchSize);
    // the same numbers of rows in the same number of transactions: each takes its share of the phase's log rows and
    // messages, read by keyset on their own primary keys (cheap reads; only the writes are timed)
    const logsPerBatch = Math.ceil(phase.logs / batches);
    const maxLogId = (await c.query(`SELECT max(id) m FROM journey_log`)).rows[0].m;
    const messagesPerBatch = Math.ceil(phase.messages / batches);
    for (let b = 0; b < batches; b++) {
      const js = (
        await c.query(
          `SELECT id, state, current_node_id, next_run_at, wait, step_seq, holdout, context FROM journeys WHERE id > $1 ORDER BY id LIMIT $2`,
          [last, batchSize],
        )
      ).rows;
      if (!js.length) break;
      last = js[js.length - 1].id;
      const ls = (
        await c.query(
          `SELECT id, journey_id, contact_id, at, node_id, kind, detail, step FROM journey_log WHERE id > $1 AND id <= $4 AND at = $2 AND kind <> 'delivery' ORDER BY id LIMIT $3`,
          [lastLog, at, logsPerBatch, maxLogId],
        )
      ).rows;
      if (ls.length) lastLog = ls[ls.length - 1].id;
      const ms = (
        await c.query(
          `SELECT id, idempotency_key, journey_id, flow_id, flow_version, contact_id, node_id, channel, content, cost_cents, created_at
             FROM messages WHERE id > $1 AND created_at = $2 AND idempotency_key NOT LIKE '%:ceiling' ORDER BY id LIMIT $3`,
          [lastMessage, at, messagesPerBatch],
        )
      ).rows;
      if (ms.length) lastMessage = ms[ms.length - 1].id;
      // the cheapest plain encoding we know (the engine's own): each statement's rows as one JSON document
      const journeyDoc = JSON.stringify(
        js.map((r) => [r.id, r.state, r.current_node_id, r.next_run_at, r.wait, r.step_seq, r.holdout, r.context]),
      );
      const logDoc = JSON.stringify(ls.map((r) => [r.journey_id, r.contact_id, r.at, r.node_id, r.kind, r.detail, r.step]));
      const messageDoc = JSON.stringify(
        ms.map((r) => [
          randomUUID(),
          `${r.idempotency_key}:ceiling`,
          r.journey_id,
          r.flow_id,
          r.flow_version,
          r.contact_id,
          r.node_id,
          r.channel,
          r.content,
          r.cost_cents,
          r.created_at,
        ]),
      );
      const t = process.hrtime.bigint();
      await c.query('BEGIN');
      await c.query(
        `UPDATE journeys j SET state = u->>1, current_node_id = u->>2, next_run_at = (u->>3)::timestamptz,
                wait = CASE WHEN jsonb_typeof(u->4) = 'null' THEN NULL ELSE u->4 END, step_seq = (u->>5)::int,
                holdout = (u->>6)::boolean, context = u->7, updated_at = now(), ended_at = NULL
           FROM jsonb_array_elements($1::jsonb) AS u WHERE j.id = (u->>0)::uuid`,
        [journeyDoc],
      );
      if (ls.length)
        await c.query(
          `INSERT INTO journey_log (journey_id, contact_id, at, node_id, kind, detail, step)
           SELECT (u->>0)::uuid, (u->>1)::bigint, (u->>2)::timestamptz, u->>3, u->>4, u->5, (u->>6)::int FROM jsonb_array_elements($1::jsonb) AS u`,
          [logDoc],
        );
      // the outbox row with its idempotency key (messages are partitioned by month: the key is unique in message_keys)
      if (ms.length)
        await c.query(
          `INSERT INTO message_keys (idempotency_key, contact_id, created_at)
           SELECT u->>1, (u->>5)::bigint, (u->>10)::timestamptz FROM jsonb_array_elements($1::jsonb) AS u ON CONFLICT DO NOTHING`,
          [messageDoc],
        );
      if (ms.length)
        await c.query(
          `INSERT INTO messages (id, idempotency_key, journey_id, flow_id, flow_version, contact_id, node_id, channel, status,
                                 content, cost_cents, attempts, next_attempt_at, created_at)
           SELECT (u->>0)::uuid, u->>1, (u->>2)::uuid, (u->>3)::uuid, (u->>4)::int, (u->>5)::bigint, u->>6, u->>7, 'queued', u->8,
                  (u->>9)::int, 0, (u->>10)::timestamptz, (u->>10)::timestamptz
             FROM jsonb_array_elements($1::jsonb) AS u`,
          [messageDoc],
        );
      await c.query('COMMIT');
      elapsed += process.hrtime.bigint() - t;
      totals.journeys += js.length;
      totals.logs += ls.length;
      totals.messages += ms.length;
    }
  } finally {
    c.release();
  }
  return { ...totals, seconds: Number(elapsed) / 1e9 };
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
