/**
 * One engine process's work. `tick(now)`: (1) enroll, (2–4) claim, advance and commit due journeys batch by batch,
 * (5) dispatch the outbox. Safe with any number of processes on one database (SKIP LOCKED claims, one transaction
 * per batch, idempotent outbox). `advanceClock` plays a virtual clock forward, tick by due time.
 */
import { addDuration, parseDuration } from '../core/durations';
import { effectiveRateLimits } from '../core/rate-limits';
import type { TriggerData } from '../core/schema';
import type { EngineSettings } from '../core/types';
import type { Clock, VirtualClock } from './clock';
import { inTransaction, type Db } from './db';
import { GraphCache, runBatch, type ClaimCursor, type ClaimGate } from './batch';
import { SandboxAdapter, type ChannelAdapters } from './channels';
import { defaultDispatchOptions, dispatchOnce, type DispatchOptions } from './dispatcher';
import { nextPermitAt } from './store/rate-limits';
import { enrollFlow } from './store/enrollment';
import { eventMonths, journeyLogMonths, maintainMonthlyPartitions, messageMonths, retentionSettings } from './store/time-partitions';
import { monthsToKeep } from '../core/partitions';
import { listActiveFlows, nextDueWork, type ActiveFlowRow } from './store/flows';
import { loadEngineSettings, type SubscriptionLinkOptions } from './settings';
import { writeHeartbeat } from './store/processes';
import { applyPendingReceipts, hasPendingReceipts } from './store/messages';
import { capWindowMs } from './facts';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';

export interface EngineLogger {
  log?(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface EngineOptions {
  db: Db;
  clock: Clock;
  batchSize?: number;
  publicUrl?: string;
  /** LINK_SECRET and LINK_TTL_DAYS (default: the database's key, a year) */
  subscriptionLinks?: SubscriptionLinkOptions;
  logger?: EngineLogger;
  adapters?: Partial<ChannelAdapters>;
  dispatch?: Partial<Omit<DispatchOptions, 'adapters'>>;
  /** batches in flight at once per tick (pipelining; each uses its own connection). Default 2. */
  pipeline?: number;
  /** test hook: awaited inside each batch transaction before COMMIT */
  beforeCommit?: () => Promise<void>;
  /**
   * claim due journeys, messages and trigger events per contact bucket, each locking statement routable to one shard:
   * for a database sharded by contact (Citus, docs/SCALING.md), which refuses FOR UPDATE across shards. Default
   * 'auto': on when `contacts` is a hash-distributed Citus table, off elsewhere (asked once, on first use).
   */
  claimByBucket?: boolean | 'auto';
  /** heartbeat (`engine_processes`): this process's id (default host:pid:random) and the least wall time between two writes */
  heartbeat?: { id?: string; everyMs?: number } | false;
}

export interface TickReport {
  now: Date;
  enrolled: number;
  /** node visits */
  steps: number;
  /** journeys claimed (including those woken early and put back) */
  claimed: number;
  batches: number;
  queued: number;
  sent: number;
  failed: number;
}

const MAX_BATCHES_PER_TICK = 100_000;

/**
 * One tick's claim state, shared by its concurrent batches: claims take turns; each continues after the previous
 * claim's last key (keyset) and skips the contacts other in-flight batches hold. When a pass finds nothing more, a
 * second pass starts again from the beginning of the due order and picks up what the first one stepped over
 * (journeys of contacts held by the other batch, journeys woken or put back during the tick); the tick ends when the
 * second pass finds nothing more.
 */
class ClaimTurns {
  private readonly held = new Map<object, string[]>();
  private turn: Promise<void> = Promise.resolve();
  private after: ClaimCursor | null = null;
  private pass = 1;
  exhausted = false;

  gate(): ClaimGate & { release(): void } {
    const key = {};
    let done = () => {};
    return {
      enter: async () => {
        const previous = this.turn;
        this.turn = new Promise<void>((resolve) => (done = resolve));
        await previous;
        return { busy: [...this.held.values()].flat(), after: this.after };
      },
      leave: (claimed) => {
        this.held.set(
          key,
          claimed.map((c) => c.contactId),
        );
        if (claimed.length) this.after = claimed[claimed.length - 1].key;
        else if (this.pass === 1) {
          this.pass = 2;
          this.after = null;
        } else this.exhausted = true;
        done();
      },
      release: () => {
        this.held.delete(key);
      },
    };
  }
}

export class Engine {
  readonly graphs = new GraphCache();
  private inFlight = new Set<Promise<unknown>>();
  private readonly db: Db;
  private readonly batchSize: number;
  private readonly pipeline: number;
  private readonly dispatch: DispatchOptions;

  constructor(readonly options: EngineOptions) {
    this.db = options.db;
    this.batchSize = options.batchSize ?? 500;
    this.pipeline = Math.max(1, options.pipeline ?? 2);
    this.dispatch = {
      ...defaultDispatchOptions,
      publicUrl: options.publicUrl,
      subscriptionLinks: options.subscriptionLinks,
      ...options.dispatch,
      adapters: { default: new SandboxAdapter(), ...options.adapters } as ChannelAdapters,
    };
  }

  private byBucket: Promise<boolean> | null = null;

  /** Whether claims go per contact bucket: the option, or (auto) whether this database shards contacts with Citus. */
  private claimsByBucket(): Promise<boolean> {
    const option = this.options.claimByBucket ?? 'auto';
    if (option !== 'auto') return Promise.resolve(option);
    const ask = async () => {
      const citus = await this.db.query<{ citus: boolean }>(`SELECT to_regclass('pg_catalog.pg_dist_partition') IS NOT NULL AS citus`);
      if (!citus.rows[0].citus) return false;
      const sharded = await this.db.query(
        `SELECT 1 FROM pg_catalog.pg_dist_partition WHERE logicalrelid = 'contacts'::regclass AND partmethod = 'h'`,
      );
      return (sharded.rowCount ?? 0) > 0;
    };
    this.byBucket ??= ask().catch((error: unknown) => {
      this.byBucket = null; // asked again next time
      throw error;
    });
    return this.byBucket;
  }

  /** One tick at `now`: enroll, run every due journey, dispatch every due message. Then the heartbeat. */
  tick(now: Date): Promise<TickReport> {
    const started = Date.now();
    const run = this.runTick(now).then(
      async (report) => (await this.beat(now, started, null), report),
      async (error: unknown) => {
        await this.beat(null, started, error);
        throw error;
      },
    );
    this.inFlight.add(run);
    void run.finally(() => this.inFlight.delete(run)).catch(() => undefined);
    return run;
  }

  private readonly process = { id: '', startedAt: new Date(), ticks: 0, lastWrite: 0 };

  /** The heartbeat row, at most every `heartbeat.everyMs` of wall time (and after every failed tick); never fails a tick. */
  private async beat(now: Date | null, started: number, error: unknown): Promise<void> {
    const options = this.options.heartbeat;
    if (options === false) return;
    this.process.ticks++;
    const wall = Date.now();
    if (!error && wall - this.process.lastWrite < (options?.everyMs ?? 5_000)) return;
    this.process.id ||= options?.id ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
    this.process.lastWrite = wall;
    try {
      await writeHeartbeat(this.db, {
        id: this.process.id,
        hostname: hostname(),
        pid: process.pid,
        startedAt: this.process.startedAt,
        lastTickAt: now,
        ticks: this.process.ticks,
        lastTickMs: now ? wall - started : null,
        lastError: error ? String((error as Error).message ?? error).slice(0, 500) : null,
      });
    } catch {
      // the database may be what failed the tick: the heartbeat waits for the next one
    }
  }

  private async runTick(now: Date): Promise<TickReport> {
    const report: TickReport = { now, enrolled: 0, steps: 0, claimed: 0, batches: 0, queued: 0, sent: 0, failed: 0 };
    await this.keepMonthlyPartitions(now);
    // Idle costs one statement: with no active flow there is nothing to enroll, and the claim and the dispatcher
    // only take journeys and messages of active flows.
    const flows = await this.activeFlows();
    if (!flows.length) return report;
    const settings = await loadEngineSettings(this.db, this.options.publicUrl, this.options.subscriptionLinks);
    report.enrolled = await this.enroll(now, settings, flows);
    await this.stepAndDispatch(now, settings, report, flows[0].receipts_pending === true);
    for (const listener of this.tickListeners) {
      // a listener's failure (an experiment's decision) is logged, never the tick's
      await listener(now).catch((error: unknown) => this.options.logger?.error(`after tick: ${(error as Error).message}`));
    }
    return report;
  }

  private readonly tickListeners: ((now: Date) => Promise<unknown>)[] = [];

  /** Engine time of the last partition maintenance: it runs on the first tick, then once a day of it. */
  private partitionsCheckedAt: number | null = null;

  /**
   * Months of `journey_log`, `events` and `messages` created ahead of both clocks and dropped past retention
   * (`store/time-partitions.ts`). A failure is logged, not the tick's: the months ahead are already there, and the next
   * day tries again.
   */
  private async keepMonthlyPartitions(now: Date): Promise<void> {
    const last = this.partitionsCheckedAt;
    if (last !== null && Math.abs(now.getTime() - last) < 86_400_000) return;
    // done, another engine is at it, or the locks stayed busy: the months ahead cover weeks, so tomorrow will do
    this.partitionsCheckedAt = now.getTime();
    // months follow the wall clock, and a virtual clock only where it runs ahead of it (the demo's fast-forward): a
    // clock in the past (a test, a replay) writes into the default partition instead of creating old months
    const wall = new Date();
    const nows = [wall, now > wall ? now : wall];
    const retention = await retentionSettings(this.db).catch(() => null);
    if (!retention) return;
    const tables = [
      { spec: journeyLogMonths, months: retention.journeyLogMonths },
      {
        spec: eventMonths,
        months: retention.eventMonths,
        atLeastMonths: async () => monthsToKeep(retention.eventMonths, await this.eventLookBackMs()),
      },
      {
        spec: messageMonths,
        months: retention.messageMonths,
        atLeastMonths: async () => monthsToKeep(retention.messageMonths, await this.messageLookBackMs()),
      },
    ];
    for (const { spec, months, atLeastMonths } of tables) {
      try {
        const report = await maintainMonthlyPartitions(this.db, spec, nows, months, { atLeastMonths });
        if (report.created.length || report.dropped.length || report.kept.length) {
          this.options.logger?.log?.(
            `${spec.table} months: created ${report.created.join(', ') || 'none'}; dropped ${report.dropped.join(', ') || 'none'}` +
              (report.kept.length ? `; kept past retention for live journeys: ${report.kept.join(', ')}` : ''),
          );
        }
      } catch (error) {
        this.options.logger?.error(`${spec.table} partitions: ${(error as Error).message}`);
      }
    }
  }

  /** How far back anything live reads events: active flows' rule windows, the activity and attribution windows. */
  private async eventLookBackMs(): Promise<number> {
    const settings = await loadEngineSettings(this.db, this.options.publicUrl, this.options.subscriptionLinks);
    const flows = await this.activeFlows();
    const versions = flows.map((f) => ({ flowId: f.id, version: f.live_version }));
    await this.graphs.load(this.db, versions);
    const windows = versions.map((v) => this.graphs.get(v.flowId, v.version)?.eventLookBackMs ?? 0);
    const activityMs = (settings.activity.windowDays + 1) * 86_400_000;
    const attributionMs = parseDuration(settings.attributionWindow)?.as('milliseconds') ?? 0;
    // a day more: rule windows are counted in the contact's local days
    return Math.max(activityMs, attributionMs, ...windows) + 86_400_000;
  }

  /** How far back anything live reads messages: the frequency caps' window and the attribution window, plus a day. */
  private async messageLookBackMs(): Promise<number> {
    const settings = await loadEngineSettings(this.db, this.options.publicUrl, this.options.subscriptionLinks);
    const attributionMs = parseDuration(settings.attributionWindow)?.as('milliseconds') ?? 0;
    return Math.max(capWindowMs(settings), attributionMs) + 86_400_000;
  }

  /** Work the host runs at the end of each tick with active flows, at the tick's instant (virtual time included). */
  afterTick(listener: (now: Date) => Promise<unknown>): void {
    this.tickListeners.push(listener);
  }

  /** Active flows with a live version, and their enrollment bookkeeping. The one query of an idle tick. */
  activeFlows(): Promise<ActiveFlowRow[]> {
    return listActiveFlows(this.db);
  }

  /** (1) set-based enrollment for every active flow's live version. */
  async enroll(now: Date, settings?: EngineSettings, flows?: ActiveFlowRow[]): Promise<number> {
    settings ??= await loadEngineSettings(this.db, this.options.publicUrl, this.options.subscriptionLinks);
    flows ??= await this.activeFlows();
    await this.graphs.load(
      this.db,
      flows.map((f) => ({ flowId: f.id, version: f.live_version })),
    );
    let enrolled = 0;
    for (const flow of flows) {
      const info = this.graphs.get(flow.id, flow.live_version);
      if (!info) continue;
      try {
        const result = await enrollFlow(this.db, flow, info, now, settings, { byBucket: await this.claimsByBucket() });
        enrolled += result.enrolled;
        const event =
          (info.trigger?.data as TriggerData | undefined)?.kind === 'event'
            ? (info.trigger!.data as { event: string; maxAge?: string })
            : null;
        if (result.tooOld) {
          this.options.logger?.warn(
            `flow ${flow.id}: ${result.tooOld} "${event?.event}" event(s) ignored: they occurred more than maxAge ${event?.maxAge} before they were received`,
          );
        }
        if (result.stale) {
          this.options.logger?.warn(
            `flow ${flow.id}: ${result.stale} queued event(s) ignored: the live version's trigger now listens for "${event?.event}"`,
          );
        }
      } catch (error) {
        this.options.logger?.error(`enrollment of flow ${flow.id} failed: ${(error as Error).message}`);
      }
    }
    return enrolled;
  }

  /**
   * (2–4) batches until nothing due is left unclaimed. `pipeline` batches run at once on their own connections (each
   * still one transaction), so the next batch's claim, facts and advance overlap the current one's writes and
   * COMMIT. Their claims take turns and skip each other's contacts (ClaimGate): a contact's journeys are never in
   * two concurrent batches of this process.
   */
  async runDue(
    now: Date,
    settings: EngineSettings,
    report: TickReport,
    limit?: { maxClaimed: number },
    /** after each committed batch, with the messages it queued */
    onBatch?: (messages: number) => void,
  ): Promise<void> {
    const turns = new ClaimTurns();
    let started = 0;
    let failed = false;
    const byBucket = await this.claimsByBucket();
    const worker = async () => {
      while (!failed && !turns.exhausted && started < MAX_BATCHES_PER_TICK) {
        if (limit && report.claimed >= limit.maxClaimed) return; // benchmarks: a bounded window of a large tick
        started++;
        const gate = turns.gate();
        let batch;
        try {
          batch = await inTransaction(this.db, (tx) =>
            runBatch(tx, now, {
              batchSize: this.batchSize,
              settings,
              graphs: this.graphs,
              gate,
              beforeCommit: this.options.beforeCommit,
              claimByBucket: byBucket,
            }),
          );
        } catch (error) {
          failed = true;
          throw error;
        } finally {
          gate.release();
        }
        if (batch.noActiveFlow) {
          turns.exhausted = true; // every flow was paused during the tick: nothing can be claimed
          return;
        }
        if (!batch.claimed) {
          if (turns.exhausted) return;
          continue; // the first pass ended: the second starts from the beginning of the due order
        }
        report.batches++;
        report.claimed += batch.claimed;
        report.steps += batch.steps;
        report.queued += batch.messages;
        onBatch?.(batch.messages);
      }
    };
    const results = await Promise.allSettled(Array.from({ length: this.pipeline }, worker));
    const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (rejected) throw rejected.reason;
  }

  /**
   * (2–5) as a pipeline, not a relay: the dispatcher drains what committed batches queued while the next batches are
   * still being advanced (it starts with the first batch that queued a message, so a quiet tick spends nothing on it),
   * then `dispatchDue` sends the rest. Two stages of one process are like two engines: the outbox rows are locked
   * with SKIP LOCKED and each is sent by the one transaction that claimed it.
   */
  async stepAndDispatch(now: Date, settings: EngineSettings, report: TickReport, receiptsPending = true): Promise<void> {
    let stepping = true;
    let queued = 0;
    let wake: (() => void) | null = null;
    let dispatched = false;
    const drain = (async () => {
      for (;;) {
        if (!queued) {
          if (!stepping) return;
          await new Promise<void>((resolve) => (wake = resolve));
          continue;
        }
        queued = 0;
        const round = await dispatchOnce(this.db, now, { ...this.dispatch, claimByBucket: await this.claimsByBucket() }, settings);
        report.sent += round.sent;
        report.failed += round.failed;
        if (round.claimed) dispatched = true;
      }
    })();
    // awaited only after the steps: marked handled now, or a provider failure meanwhile is an unhandled rejection
    drain.catch(() => undefined);
    const nudge = () => {
      const w = wake;
      wake = null;
      w?.();
    };
    let failure: unknown = null;
    try {
      await this.runDue(now, settings, report, undefined, (messages) => {
        queued += messages;
        if (messages) nudge();
      });
    } catch (error) {
      failure = error;
    } finally {
      stepping = false;
      nudge();
    }
    // the drain always finishes before the tick does (no round outlives it); the steps' failure is the tick's first
    const drained = await drain.then(
      () => null,
      (error: unknown) => error,
    );
    if (failure) throw failure;
    if (drained) throw drained;
    await this.dispatchDue(now, report, receiptsPending || dispatched, settings);
  }

  /** (5) dispatch rounds until the due outbox is empty. */
  async dispatchDue(
    now: Date,
    report: Pick<TickReport, 'sent' | 'failed'>,
    receiptsPending = true,
    settings?: EngineSettings,
  ): Promise<void> {
    settings ??= await loadEngineSettings(this.db, this.options.publicUrl, this.options.subscriptionLinks);
    let dispatched = false;
    for (let i = 0; i < MAX_BATCHES_PER_TICK; i++) {
      const round = await dispatchOnce(this.db, now, { ...this.dispatch, claimByBucket: await this.claimsByBucket() }, settings);
      report.sent += round.sent;
      report.failed += round.failed;
      if (!round.claimed) break;
      dispatched = true;
    }
    // receipts that crossed their chunk's COMMIT (kept before it, unseen by it) apply now that their message carries
    // the provider id: those kept before this tick began (`receiptsPending`), or during this tick's own sends
    if (receiptsPending || (dispatched && (await hasPendingReceipts(this.db)))) {
      await inTransaction(this.db, (tx) => applyPendingReceipts(tx, null));
    }
  }

  /**
   * CLOCK=virtual: moves the clock forward by an ISO duration, ticking at every due time (journeys, messages,
   * inactivity thresholds) in order up to the new time, then at the new time itself.
   */
  async advanceClock(clock: VirtualClock, by: string): Promise<{ now: Date; ticks: number; steps: number; sent: number }> {
    const start = await clock.now();
    const target = addDuration(start, by);
    return this.runUntil(clock, target);
  }

  async runUntil(clock: VirtualClock, target: Date): Promise<{ now: Date; ticks: number; steps: number; sent: number }> {
    let t = await clock.now();
    // first a tick at the current instant: contacts already past a trigger's threshold enroll now, not at `target`
    const first = await this.tick(t);
    let ticks = 1;
    let steps = first.steps;
    let sent = first.sent;
    for (let guard = 0; guard < 1_000_000; guard++) {
      const next = await this.nextWake(t);
      if (!next || next > target) break;
      t = next > t ? next : t;
      await clock.set(t);
      const report = await this.tick(t);
      ticks++;
      steps += report.steps;
      sent += report.sent;
      // a wake point that produced nothing and is not in the future would loop: step past it
      // (messages held by a provider rate limit are due but wait for room: step to when the limit has room)
      if (next <= t && report.claimed === 0 && report.sent === 0 && report.enrolled === 0) {
        const settings = await loadEngineSettings(this.db, this.options.publicUrl, this.options.subscriptionLinks);
        const room = await nextPermitAt(this.db, effectiveRateLimits(this.dispatch.rateLimits, settings.sendRateLimits).limits, t);
        t = new Date(Math.max(t.getTime() + 1, room?.getTime() ?? 0));
        if (t > target) break;
      }
    }
    const now = await clock.set(target);
    const last = await this.tick(now);
    return { now, ticks: ticks + 1, steps: steps + last.steps, sent: sent + last.sent };
  }

  /** The earliest instant after `t` (or at it, for work already due) at which a tick would have something to do. */
  private async nextWake(t: Date): Promise<Date | null> {
    let next = await nextDueWork(this.db);
    if (next && next <= t) return next;
    // inactivity thresholds: the next moment a contact crosses an active inactive-trigger's `days` (counted from
    // `created_at` for a contact never active)
    const flows = await this.activeFlows();
    await this.graphs.load(
      this.db,
      flows.map((f) => ({ flowId: f.id, version: f.live_version })),
    );
    for (const flow of flows) {
      const trigger = this.graphs.get(flow.id, flow.live_version)?.trigger?.data as TriggerData | undefined;
      if (trigger?.kind !== 'inactive') continue;
      const crossing = await this.db.query<{ at: Date | null }>(
        `SELECT least(
           (SELECT min(c.last_active_at) FROM contacts c WHERE c.last_active_at >= $1::timestamptz - $2::int * interval '1 day'),
           (SELECT min(c.created_at) FROM contacts c WHERE c.last_active_at IS NULL AND c.created_at >= $1::timestamptz - $2::int * interval '1 day')
         ) + $2::int * interval '1 day' + interval '1 millisecond' AS at`,
        [t, trigger.days],
      );
      const at = crossing.rows[0].at;
      if (at && at > t && (!next || at < next)) next = at;
    }
    return next;
  }

  /** Resolves when no tick started by this instance is in flight. */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }
}
