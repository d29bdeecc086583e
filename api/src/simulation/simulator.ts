/**
 * What-if runs of a flow (issue 11): the real engine (`Engine.tick`) on a virtual clock over copies of the
 * workspace's contacts and recent events in a throw-away schema inside a transaction that is always rolled back.
 *
 * Model, a tick every STEP_HOURS of virtual time for `days` days:
 * - Baseline behaviour: the last REPLAY_DAYS days of real events repeat, shifted forward (the next month looks like the
 *   last one). Event triggers fire on the replayed events, inactivity triggers see who went quiet, goals are met by
 *   natural conversions (which is what the holdout measures).
 * - Responses to messages: each send is delivered with the channel's `reach`; a delivered one is clicked with `click`;
 *   the contact comes back (`app_open`) with `return` within 0.5–24 h; a return converts (the flow's goal event) with
 *   `convert` shortly after. Draws come from a seeded PRNG: same data, same body → same report.
 * - The copy of the flow has its own id (md5 of the real one): its holdout draw differs from the live flow's, and its
 *   enrollment lock never blocks the live engine.
 * - Sends go through simulated adapters only: nothing leaves the process; the real tables are never written.
 */
import type { Pool } from 'pg';
import {
  Engine,
  ingestEventRows,
  PermanentSendError,
  VirtualClock,
  type ChannelAdapter,
  type OutgoingMessage,
} from '@boomerang/engine/runtime';
import type { FlowGraphDocument } from '@boomerang/engine';
import { prng } from '../demo/demo-data';
import { defaultWorkspaceSettings } from '../settings/settings.dto';
import { savepointDb } from './savepoint-db';
import { defaultResponses, type ResponseRates, type SimulateBody } from './simulation.dto';
import { SimulationRepository } from './simulation.repository';
import type { SimulationJob, SimulationReport } from '@boomerang/engine/core/views/simulation';

const HOUR = 3_600_000;
/** virtual time per tick: two hours keeps a month of a 5,000-contact workspace under a minute on a small machine */
export const STEP_HOURS = 2;
const DAY = 24 * HOUR;
export const REPLAY_DAYS = 28;

export type SimulationProgress = NonNullable<SimulationJob['progress']>;

type Channel = keyof typeof defaultResponses;

export type { SimulationReport };

/** Delivers with the channel's reach; records every delivered message for the response draw. */
class SimulatedAdapter implements ChannelAdapter {
  readonly name = 'simulation';
  delivered: string[] = [];
  constructor(
    private readonly rates: Record<Channel, ResponseRates>,
    private readonly rand: () => number,
  ) {}
  async send(message: OutgoingMessage) {
    if (this.rand() >= this.rates[message.channel as Channel].reach) throw new PermanentSendError('simulated: not delivered');
    this.delivered.push(message.messageId);
    return { providerId: `sim:${message.messageId}`, status: 'delivered' as const };
  }
}

export async function simulateFlow(
  pool: Pool,
  flow: { id: string; version: number },
  body: SimulateBody,
  start: Date,
  onProgress: (progress: SimulationProgress) => void,
  /** checked every step: true stops the run (rolled back like any other) */
  cancelled: () => boolean = () => false,
): Promise<SimulationReport> {
  const started = performance.now();
  const rates = Object.fromEntries(
    (Object.keys(defaultResponses) as Channel[]).map((c) => [c, { ...defaultResponses[c], ...(body.responses?.[c] ?? {}) }]),
  ) as Record<Channel, ResponseRates>;
  const rand = prng(body.seed ?? 1);
  const client = await pool.connect();
  const repo = new SimulationRepository(client);
  try {
    const opened = await repo.open(flow.id, flow.version, start, body.sample ?? null, Math.max(REPLAY_DAYS, 60));
    const goalEvents = goalEventsOf(opened.graph as FlowGraphDocument);
    const maxCopiedId = await repo.maxEventId();
    const db = savepointDb(client);
    const clock = new VirtualClock(db);
    const adapter = new SimulatedAdapter(rates, rand);
    const engine = new Engine({ db, clock, pipeline: 1, adapters: { default: adapter }, dispatch: { maxAttempts: 1, pipelined: false } });
    const pending: { at: number; e: string; n: string }[] = [];
    const nodeReturns = new Map<string, number>();
    let returns = 0;
    const hours = body.days * 24;
    for (let h = 0; h <= hours; h += STEP_HOURS) {
      if (cancelled()) throw new Error('simulation cancelled: the server is stopping');
      const now = new Date(start.getTime() + h * HOUR);
      await clock.set(now);
      // baseline: the same hour REPLAY_DAYS (× k) ago, shifted forward
      if (h > 0) {
        const k = Math.floor(((h - STEP_HOURS) * HOUR) / (REPLAY_DAYS * DAY)) + 1;
        const shift = k * REPLAY_DAYS * DAY;
        const history = await repo.historyBetween(
          new Date(now.getTime() - STEP_HOURS * HOUR - shift),
          new Date(now.getTime() - shift),
          maxCopiedId,
        );
        const due = pending.filter((p) => p.at <= now.getTime());
        pending.splice(0, pending.length, ...pending.filter((p) => p.at > now.getTime()));
        const rows = [
          ...history.map((r) => ({ e: r.e, n: r.n, t: new Date(r.t.getTime() + shift).toISOString(), p: r.p ?? {} })),
          ...due.map((r) => ({ e: r.e, n: r.n, t: new Date(r.at).toISOString(), p: { simulated: true } })),
        ];
        for (let i = 0; i < rows.length; i += 5_000) {
          await ingestEventRows(db, rows.slice(i, i + 5_000), now, { ...defaultWorkspaceSettings, createContactsOnEvent: false });
        }
      }
      // the hourly full enrollment sweep of inactivity/segment triggers, every 6 virtual hours here (the incremental
      // enrollment still runs every tick): the engine's bookkeeping row is the copy's, so this changes nothing real
      if (h % 6 !== 0)
        await client.query(`UPDATE flows SET last_swept_at = $1 WHERE last_swept_at IS NOT NULL`, [new Date(now.getTime() - 60_000)]);
      adapter.delivered = [];
      await engine.tick(now);
      // responses to what was delivered this step
      const sent = await repo.messagesById(adapter.delivered);
      const clicked: string[] = [];
      for (const m of sent) {
        const r = rates[m.channel as Channel];
        if (rand() < r.click) clicked.push(m.id);
        if (rand() < r.return) {
          returns++;
          nodeReturns.set(m.node_id, (nodeReturns.get(m.node_id) ?? 0) + 1);
          const back = now.getTime() + HOUR / 2 + Math.floor(rand() * 23.5 * HOUR);
          pending.push({ at: back, e: m.external_id, n: 'app_open' });
          if (rand() < r.convert) for (const name of goalEvents) pending.push({ at: back + 10 * 60_000, e: m.external_id, n: name });
        }
      }
      await repo.markClicked(clicked, now);
      if (h % 12 === 0 || h === hours) {
        onProgress({ hoursDone: h, hours, percent: Math.round((100 * h) / hours), virtualNow: now.toISOString() });
      }
    }
    const end = new Date(start.getTime() + hours * HOUR);
    const report = await repo.report(opened.simFlowId, start);
    const byChannel: SimulationReport['sends']['byChannel'] = {};
    for (const d of report.perDay) {
      const c = (byChannel[d.channel] ??= { sent: 0, delivered: 0, costCents: 0 });
      c.sent += d.sent;
      c.delivered += d.delivered;
      c.costCents += d.cost;
    }
    const t = report.totals;
    const treatment = t.entered - t.holdout;
    return {
      flowId: flow.id,
      version: flow.version,
      days: body.days,
      start: start.toISOString(),
      end: end.toISOString(),
      contacts: opened.contacts,
      assumptions: `the last ${REPLAY_DAYS} days of behaviour repeat; message responses drawn with the rates below (seed ${body.seed ?? 1}); a tick every ${STEP_HOURS} h of virtual time; frequency caps count simulated sends only`,
      responses: rates,
      entries: { total: t.entered, treatment, holdout: t.holdout },
      sends: { byChannel, byDay: report.perDay.map(({ cost, ...d }) => ({ ...d, costCents: cost })) },
      costCents: t.cost,
      returns,
      conversions: {
        treatment: t.converted,
        treatmentAfterMessage: t.converted_after_message,
        holdout: t.holdout_converted,
        treatmentRate: treatment > 0 ? t.converted / treatment : null,
        holdoutRate: t.holdout > 0 ? t.holdout_converted / t.holdout : null,
      },
      nodes: Object.fromEntries(
        report.perNode.map((n) => [
          n.node_id,
          {
            entered: n.entered,
            sent: n.sent,
            delivered: n.delivered,
            clicked: n.clicked,
            returns: nodeReturns.get(n.node_id) ?? 0,
            conversions: n.converted,
            costCents: n.cost,
          },
        ]),
      ),
      elapsedMs: Math.round(performance.now() - started),
    };
  } finally {
    await repo.close().catch(() => undefined);
    client.release();
  }
}

/** The goal events of a graph (what a converting contact does); a rule goal (e.g. active) is met by returns alone. */
function goalEventsOf(graph: FlowGraphDocument): string[] {
  const names = graph.nodes.flatMap((n) => (n.type === 'goal' && 'event' in n.data ? [n.data.event] : []));
  return [...new Set(names)];
}
