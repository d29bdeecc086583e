/**
 * node-cron behind a two-method adapter (STYLE.md §10): the engine's tick stays a plain method that tests and the
 * virtual clock call directly; only this file knows about cron. Overlapping runs are skipped, not queued.
 */
import { createTask, type ScheduledTask } from 'node-cron';

export class CronScheduler {
  private task: ScheduledTask | null = null;

  constructor(
    private readonly expression: string,
    private readonly run: () => Promise<void>,
  ) {}

  start(): void {
    if (this.task) return;
    this.task = createTask(this.expression, () => this.run(), { noOverlap: true, name: 'engine-tick' });
    void this.task.start();
  }

  async stop(): Promise<void> {
    const task = this.task;
    this.task = null;
    if (task) await task.destroy();
  }
}
