/**
 * node-cron behind a two-method adapter (STYLE.md §10): the engine's tick stays a plain method that tests and the
 * virtual clock call directly; only this file knows about cron. Overlapping runs are skipped, not queued.
 */
import { createTask, type ScheduledTask } from 'node-cron';

export class CronScheduler {
  private task: ScheduledTask | null = null;
  private running = false;
  /** ticks skipped because the previous one was still running (a long tick is normal under load, not a warning) */
  skipped = 0;

  constructor(
    private readonly expression: string,
    private readonly run: () => Promise<void>,
  ) {}

  start(): void {
    if (this.task) return;
    // overlap prevention here rather than node-cron's `noOverlap`, which logs a warning for every skipped tick
    this.task = createTask(this.expression, () => this.runExclusive(), { name: 'engine-tick' });
    void this.task.start();
  }

  private async runExclusive(): Promise<void> {
    if (this.running) {
      this.skipped++;
      return;
    }
    this.running = true;
    try {
      await this.run();
    } finally {
      this.running = false;
    }
  }

  async stop(): Promise<void> {
    const task = this.task;
    this.task = null;
    if (task) await task.destroy();
  }
}
