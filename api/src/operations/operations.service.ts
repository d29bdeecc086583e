import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import type { Clock } from '@boomerang/engine/runtime';
import { defaultDispatchOptions, loadEngineSettings, rateLimitUsage } from '@boomerang/engine/runtime';
import { effectiveRateLimits } from '@boomerang/engine/core/rate-limits';
import { APP_CONFIG, type AppConfig } from '../config';
import { CLOCK, ENGINE_DB } from '../engine/engine.tokens';
import { OperationsRepository } from './operations.repository';
import type { OperationsView } from '@boomerang/engine/core/views/operations';

/** `GET /api/health/details`, typed by its view. */
export type OperationsReport = OperationsView;

/**
 * What an operator watches: journeys and messages overdue (due more than OVERDUE_AFTER_SECONDS ago by the engine
 * clock and still not advanced or sent), messages failed after every retry, active flows whose received trigger
 * events wait longer than that for enrollment, and engine processes with their last tick (alive when their
 * heartbeat is newer than ENGINE_ALIVE_SECONDS of wall time).
 */
@Injectable()
export class OperationsService {
  constructor(
    private readonly repository: OperationsRepository,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ENGINE_DB) private readonly db: Pool,
  ) {}

  async report(): Promise<OperationsReport> {
    const now = await this.clock.now();
    const overdue = this.config.OVERDUE_AFTER_SECONDS;
    const { sendRateLimits } = await loadEngineSettings(this.db);
    const limits = effectiveRateLimits(this.config.SEND_RATE_LIMITS, sendRateLimits);
    const [journeys, messages, failed, slow, processes, receipts, rateLimits] = await Promise.all([
      this.repository.overdueJourneys(now, overdue),
      this.repository.overdueMessages(now, overdue),
      this.repository.failedAfterRetries(now, defaultDispatchOptions.maxAttempts),
      this.repository.slowEnrollment(now, overdue),
      this.repository.engineProcesses(),
      this.repository.unmatchedReceipts(now, overdue),
      rateLimitUsage(this.db, limits.limits, now),
    ]);
    const aliveAfter = this.config.ENGINE_ALIVE_SECONDS;
    const marked = processes.map((p) => ({ ...p, alive: p.secondsSinceSeen <= aliveAfter }));
    return {
      now: now.toISOString(),
      overdueAfterSeconds: overdue,
      journeys: { overdue: journeys },
      messages: { overdue: messages, failedAfterRetries: failed.total, failedAfterRetriesLastDay: failed.lastDay },
      receipts,
      enrollment: { slowFlows: slow.length, flows: slow },
      rateLimits: rateLimits.map(({ used, ...l }) => ({ ...l, sentInWindow: used })),
      rateLimitsFrom: limits.source,
      engine: { alive: marked.filter((p) => p.alive).length, aliveAfterSeconds: aliveAfter, processes: marked },
    };
  }
}
