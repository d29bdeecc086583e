import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import type { Pool } from 'pg';
import { buildChannelAdapters, CronScheduler, Engine, type BuiltAdapters, type Clock, type TickReport } from '@boomerang/engine/runtime';
import { APP_CONFIG, type AppConfig } from '../config';
import { channelSettingsOf } from '../providers/channel-settings';
import { CLOCK, ENGINE_DB } from './engine.tokens';

/**
 * The engine hosted in this process. `tick(now)` is a plain method; `start()` puts it behind node-cron (TICK_CRON)
 * when ENGINE=on and the clock is the system clock. With CLOCK=virtual time only moves through `advanceClock`.
 */
@Injectable()
export class EngineService implements OnApplicationShutdown {
  private readonly logger = new Logger('Engine');
  readonly engine: Engine;
  private scheduler: CronScheduler | null = null;
  private kickTimer: NodeJS.Timeout | null = null;
  /** the channel adapters this process sends through (live when configured, else the sandbox) */
  readonly channels: BuiltAdapters;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ENGINE_DB) db: Pool,
    @Inject(CLOCK) readonly clock: Clock,
  ) {
    this.channels = buildChannelAdapters(channelSettingsOf(config));
    this.engine = new Engine({
      adapters: this.channels.adapters,
      dispatch: { publicUrl: config.PUBLIC_URL, rateLimits: config.SEND_RATE_LIMITS },
      db,
      clock,
      batchSize: config.ENGINE_BATCH_SIZE,
      publicUrl: config.PUBLIC_URL,
      subscriptionLinks: { secret: config.LINK_SECRET, ttlDays: config.LINK_TTL_DAYS },
      logger: { log: (m) => this.logger.log(m), warn: (m) => this.logger.warn(m), error: (m) => this.logger.error(m) },
    });
  }

  /** Which channels are live and which are sandboxed (never a secret: hosts and variable names only). */
  logChannels(): void {
    for (const [channel, status] of Object.entries(this.channels.status)) this.logger.log(`channel ${channel}: ${status}`);
  }

  get enabled(): boolean {
    return this.config.ENGINE === 'on';
  }

  /** Starts the cron ticks (no-op when ENGINE=off or CLOCK=virtual). */
  start(): void {
    if (this.enabled && !this.scheduler) this.logChannels();
    if (!this.enabled || this.clock.kind === 'virtual' || this.scheduler) return;
    this.scheduler = new CronScheduler(this.config.TICK_CRON, () => this.tickNow());
    this.scheduler.start();
    this.logger.log(`engine ticking on "${this.config.TICK_CRON}"`);
  }

  async stop(): Promise<void> {
    if (this.kickTimer) clearTimeout(this.kickTimer);
    this.kickTimer = null;
    await this.scheduler?.stop();
    this.scheduler = null;
    await this.engine.idle();
    await this.channels.close();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  /** One tick at `now` (enroll, run due journeys, dispatch). */
  tick(now: Date): Promise<TickReport> {
    return this.engine.tick(now);
  }

  /** Runs a tick soon (debounced to one per 250 ms) when the engine is on; the API calls it after ingesting events. */
  kick(): void {
    if (!this.enabled || this.kickTimer) return;
    this.kickTimer = setTimeout(() => {
      this.kickTimer = null;
      void this.tickNow();
    }, 250);
    this.kickTimer.unref();
  }

  private async tickNow(): Promise<void> {
    try {
      await this.engine.tick(await this.clock.now());
    } catch (error) {
      this.logger.error(`tick failed: ${(error as Error).stack ?? error}`);
    }
  }
}
