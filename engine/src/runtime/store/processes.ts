/**
 * The engine's heartbeat (`engine_processes`): each process upserts its row after its ticks — wall time it was seen,
 * the engine clock of its last tick, how many ticks, how long the last took, the last error. Operations read it
 * (`/api/health/details`, `/metrics`); nothing in the engine depends on it.
 */
import type { Db } from '../db';

export interface Heartbeat {
  id: string;
  hostname: string;
  pid: number;
  startedAt: Date;
  /** the engine clock's now of the last tick (null when the tick failed) */
  lastTickAt: Date | null;
  ticks: number;
  lastTickMs: number | null;
  lastError: string | null;
}

export async function writeHeartbeat(db: Pick<Db, 'query'>, beat: Heartbeat): Promise<void> {
  // one statement: processes not seen for a day are history, not operations, and go with it
  await db.query(
    `WITH gone AS (DELETE FROM engine_processes WHERE seen_at < now() - interval '1 day' AND id <> $1)
     INSERT INTO engine_processes (id, hostname, pid, started_at, seen_at, last_tick_at, ticks, last_tick_ms, last_error)
     VALUES ($1, $2, $3, $4, now(), $5, $6, $7, $8)
     ON CONFLICT (id) DO UPDATE SET seen_at = EXCLUDED.seen_at, last_tick_at = COALESCE(EXCLUDED.last_tick_at, engine_processes.last_tick_at),
            ticks = EXCLUDED.ticks, last_tick_ms = COALESCE(EXCLUDED.last_tick_ms, engine_processes.last_tick_ms), last_error = EXCLUDED.last_error`,
    [beat.id, beat.hostname, beat.pid, beat.startedAt, beat.lastTickAt, beat.ticks, beat.lastTickMs, beat.lastError],
  );
}
