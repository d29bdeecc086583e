/**
 * The one source of time for the engine and the API. `SystemClock` is wall time; `VirtualClock` keeps "now" in the
 * `engine_clock` row so every process sees the same instant and `POST /api/clock/advance` moves it for all of them.
 */
import type { Db } from './db';

export interface Clock {
  readonly kind: 'system' | 'virtual';
  /** the current instant (a database read for the virtual clock) */
  now(): Promise<Date>;
}

export class SystemClock implements Clock {
  readonly kind = 'system' as const;
  async now(): Promise<Date> {
    return new Date();
  }
}

export class VirtualClock implements Clock {
  readonly kind = 'virtual' as const;

  /** `start` is where time begins when the table is empty (default: the wall clock at first use). */
  constructor(
    private readonly db: Pick<Db, 'query'>,
    private readonly start: () => Date = () => new Date(),
  ) {}

  async now(): Promise<Date> {
    const found = await this.db.query<{ now: Date }>('SELECT now FROM engine_clock WHERE id = 1');
    if (found.rows.length) return found.rows[0].now;
    const created = await this.db.query<{ now: Date }>(
      `INSERT INTO engine_clock (id, now) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET now = engine_clock.now RETURNING now`,
      [this.start()],
    );
    return created.rows[0].now;
  }

  /** Moves time to `to` (never backwards: an earlier instant leaves the clock where it is). Returns the new now. */
  async set(to: Date): Promise<Date> {
    const result = await this.db.query<{ now: Date }>(
      `INSERT INTO engine_clock (id, now) VALUES (1, $1)
       ON CONFLICT (id) DO UPDATE SET now = GREATEST(engine_clock.now, EXCLUDED.now) RETURNING now`,
      [to],
    );
    return result.rows[0].now;
  }
}
