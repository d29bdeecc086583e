import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { OperationsView } from '@boomerang/engine/core/views/operations';

export type SlowFlow = OperationsView['enrollment']['flows'][number];
/** A process as stored; `alive` is decided by the service from `secondsSinceSeen`. */
export type EngineProcessRow = Omit<OperationsView['engine']['processes'][number], 'alive'>;

/** Read-only operations queries (the engine writes every table they read). */
@Injectable()
export class OperationsRepository {
  constructor(private readonly dataSource: DataSource) {}

  private async count(sql: string, params: unknown[]): Promise<number> {
    const rows: { n: string }[] = await this.dataSource.query(sql, params);
    return Number(rows[0].n);
  }

  /** Waiting journeys of active flows whose due time passed more than `overdueSeconds` ago (engine clock). */
  overdueJourneys(now: Date, overdueSeconds: number): Promise<number> {
    return this.count(
      `SELECT count(*) n FROM journeys j JOIN flows f ON f.id = j.flow_id AND f.status = 'active'
        WHERE j.state = 'waiting' AND j.next_run_at < $1::timestamptz - make_interval(secs => $2)`,
      [now, overdueSeconds],
    );
  }

  /** Queued messages of active flows due more than `overdueSeconds` ago: the dispatcher is behind. */
  overdueMessages(now: Date, overdueSeconds: number): Promise<number> {
    return this.count(
      `SELECT count(*) n FROM messages m JOIN flows f ON f.id = m.flow_id AND f.status = 'active'
        WHERE m.status = 'queued' AND m.next_attempt_at < $1::timestamptz - make_interval(secs => $2)`,
      [now, overdueSeconds],
    );
  }

  /** Messages that failed after using every attempt (total, and those failed in the last day of engine time). */
  async failedAfterRetries(now: Date, maxAttempts: number): Promise<{ total: number; lastDay: number }> {
    const rows: { total: string; last_day: string }[] = await this.dataSource.query(
      `SELECT count(*) total, count(*) FILTER (WHERE failed_at > $1::timestamptz - interval '1 day') last_day
         FROM messages WHERE status = 'failed' AND attempts >= $2`,
      [now, maxAttempts],
    );
    return { total: Number(rows[0].total), lastDay: Number(rows[0].last_day) };
  }

  /**
   * Receipts kept for a provider id no message carries, older than `overdueSeconds`: a provider calling back for
   * messages this installation never recorded (or a misconfigured callback URL shared between installations).
   */
  async unmatchedReceipts(now: Date, overdueSeconds: number): Promise<OperationsView['receipts']> {
    const rows: { n: string; oldest: Date | null }[] = await this.dataSource.query(
      `SELECT count(*) n, min(received_at) oldest FROM pending_receipts
        WHERE received_at < $1::timestamptz - make_interval(secs => $2)`,
      [now, overdueSeconds],
    );
    return { unmatched: Number(rows[0].n), oldestReceivedAt: rows[0].oldest?.toISOString() ?? null };
  }

  /** Active flows with received trigger events not enrolled within `overdueSeconds` (engine clock). */
  async slowEnrollment(now: Date, overdueSeconds: number): Promise<SlowFlow[]> {
    const rows: { flow_id: string; name: string; waiting: string; oldest: Date }[] = await this.dataSource.query(
      `SELECT i.flow_id, f.name, count(*) waiting, min(i.received_at) oldest
         FROM trigger_inbox i JOIN flows f ON f.id = i.flow_id AND f.status = 'active'
        WHERE i.received_at < $1::timestamptz - make_interval(secs => $2)
        GROUP BY i.flow_id, f.name ORDER BY oldest`,
      [now, overdueSeconds],
    );
    return rows.map((r) => ({ flowId: r.flow_id, name: r.name, waiting: Number(r.waiting), oldestReceivedAt: r.oldest.toISOString() }));
  }

  async engineProcesses(): Promise<EngineProcessRow[]> {
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT id, hostname, pid, started_at, seen_at, last_tick_at, ticks, last_tick_ms, last_error,
              extract(epoch FROM now() - seen_at)::float8 AS since
         FROM engine_processes ORDER BY seen_at DESC`,
    );
    const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : null);
    return rows.map((r) => ({
      id: String(r.id),
      hostname: String(r.hostname),
      pid: Number(r.pid),
      startedAt: iso(r.started_at)!,
      seenAt: iso(r.seen_at)!,
      lastTickAt: iso(r.last_tick_at),
      ticks: Number(r.ticks),
      lastTickMs: r.last_tick_ms === null ? null : Number(r.last_tick_ms),
      lastError: (r.last_error as string | null) ?? null,
      secondsSinceSeen: Number(r.since),
    }));
  }
}
