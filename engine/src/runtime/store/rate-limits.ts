/**
 * Provider rate limits in PostgreSQL (table `send_rate_limits`, one row per limit; the window arithmetic is
 * core/rate-limits.ts). The dispatcher takes permits BEFORE it claims a limited channel's messages and claims only as
 * many as it was granted, in due order: messages over the limit are never claimed, so they wait in the outbox, in
 * order, untouched (no status, attempt or due time changes), and any number of processes share one budget. Permits
 * a claim did not use (another process took those messages) are given back.
 */
import type { ChannelKind } from '../../core/schema';
import { nextRoomAt, rateLimitKey, roomIn, withGrant, withoutGrant, type GrantLog, type SendRateLimit } from '../../core/rate-limits';
import { inTransaction, type Db } from '../db';

/** What a grant was: how many, and the log entry to give unused ones back to. */
export interface Permits {
  granted: number;
  at: Date;
}

async function lockLogs(tx: Pick<Db, 'query'>, limits: SendRateLimit[]): Promise<Map<string, GrantLog>> {
  const keys = limits.map(rateLimitKey).sort();
  await tx.query(`INSERT INTO send_rate_limits (key) SELECT unnest($1::text[]) ON CONFLICT (key) DO NOTHING`, [keys]);
  const { rows } = await tx.query<{ key: string; grants: GrantLog }>(
    `SELECT key, grants FROM send_rate_limits WHERE key = ANY($1::text[]) ORDER BY key FOR UPDATE`,
    [keys],
  );
  return new Map(rows.map((r) => [r.key, r.grants]));
}

async function saveLogs(tx: Pick<Db, 'query'>, logs: Map<string, GrantLog>): Promise<void> {
  await tx.query(
    `UPDATE send_rate_limits s SET grants = x.grants FROM jsonb_to_recordset($1::jsonb) AS x(key text, grants jsonb) WHERE s.key = x.key`,
    [JSON.stringify([...logs].map(([key, grants]) => ({ key, grants })))],
  );
}

/** Up to `want` permits for `channel` at `now` under every limit of the channel (one short transaction). */
export async function takePermits(db: Db, limits: SendRateLimit[], channel: ChannelKind, now: Date, want: number): Promise<Permits> {
  const mine = limits.filter((l) => l.channel === channel);
  if (!mine.length || want <= 0) return { granted: want, at: now };
  return inTransaction(db, async (tx) => {
    const logs = await lockLogs(tx, mine);
    const t = now.getTime();
    const granted = Math.min(want, ...mine.map((l) => roomIn(logs.get(rateLimitKey(l)) ?? [], l, t)));
    if (granted > 0) {
      for (const l of mine) logs.set(rateLimitKey(l), withGrant(logs.get(rateLimitKey(l)) ?? [], l.per, t, granted));
      await saveLogs(tx, logs);
    }
    return { granted, at: now };
  });
}

/** Gives back `unused` permits of a grant (its messages were claimed by another process meanwhile). */
export async function returnPermits(
  db: Db,
  limits: SendRateLimit[],
  channel: ChannelKind,
  permits: Permits,
  unused: number,
): Promise<void> {
  const mine = limits.filter((l) => l.channel === channel);
  if (!mine.length || unused <= 0) return;
  await inTransaction(db, async (tx) => {
    const logs = await lockLogs(tx, mine);
    for (const l of mine) {
      // the grant's entry: its time rounded as withGrant rounded it
      const stamped = withGrant([], l.per, permits.at.getTime(), 1)[0][0];
      logs.set(rateLimitKey(l), withoutGrant(logs.get(rateLimitKey(l)) ?? [], stamped, unused));
    }
    await saveLogs(tx, logs);
  });
}

/** The earliest instant after `now` at which a limited channel with due messages gets room again; null when none waits. */
export async function nextPermitAt(db: Pick<Db, 'query'>, limits: SendRateLimit[], now: Date): Promise<Date | null> {
  if (!limits.length) return null;
  const { rows } = await db.query<{ key: string; grants: GrantLog }>(
    `SELECT key, grants FROM send_rate_limits WHERE key = ANY($1::text[])`,
    [limits.map(rateLimitKey)],
  );
  const logs = new Map(rows.map((r) => [r.key, r.grants]));
  let next: number | null = null;
  for (const l of limits) {
    const at = nextRoomAt(logs.get(rateLimitKey(l)) ?? [], l, now.getTime());
    if (at > now.getTime() && (next === null || at < next)) next = at;
  }
  return next === null ? null : new Date(next);
}

/** Per limit: messages sent in the current window and the channel's backlog (queued and due now), for operations. */
export async function rateLimitUsage(
  db: Pick<Db, 'query'>,
  limits: SendRateLimit[],
  now: Date,
): Promise<{ channel: ChannelKind; limit: number; per: SendRateLimit['per']; used: number; backlog: number }[]> {
  if (!limits.length) return [];
  const [logs, backlog] = await Promise.all([
    db.query<{ key: string; grants: GrantLog }>(`SELECT key, grants FROM send_rate_limits WHERE key = ANY($1::text[])`, [
      limits.map(rateLimitKey),
    ]),
    db.query<{ channel: ChannelKind; n: number }>(
      `SELECT channel, count(*)::int AS n FROM messages WHERE status = 'queued' AND next_attempt_at <= $1 AND channel = ANY($2::text[]) GROUP BY channel`,
      [now, [...new Set(limits.map((l) => l.channel))]],
    ),
  ]);
  const byKey = new Map(logs.rows.map((r) => [r.key, r.grants]));
  const waiting = new Map(backlog.rows.map((r) => [r.channel, r.n]));
  return limits.map((l) => ({
    channel: l.channel,
    limit: l.limit,
    per: l.per,
    used: l.limit - roomIn(byKey.get(rateLimitKey(l)) ?? [], l, now.getTime()),
    backlog: waiting.get(l.channel) ?? 0,
  }));
}
