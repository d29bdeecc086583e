/**
 * Activity per local hour for best-hour delays (`core/best-hour.ts`): the contact's own over the look-back, one
 * aggregate statement per batch (an index range per contact, at most 24 rows back each), and its zone's from
 * `zone_active_hours`, refreshed here at most daily of engine time by whichever engine gets the lock first.
 */
import { BEST_HOUR_LOOKBACK_DAYS, type ActiveHours } from '../../core/best-hour';
import type { Tx } from '../db';

const HOUR = 3_600_000;
const ZONE_SAMPLE = 100_000;

export async function loadActiveHours(tx: Tx, contactIds: string[], now: Date): Promise<Map<string, ActiveHours>> {
  const out = new Map<string, ActiveHours>();
  if (!contactIds.length) return out;
  await refreshZoneHours(tx, now);
  const since = new Date(now.getTime() - BEST_HOUR_LOOKBACK_DAYS * 24 * HOUR);
  const rows = await tx.query<{ contact_id: string; zone: number[] | null; hour: number | null; n: number | null }>(
    `SELECT c.id::text AS contact_id, z.counts AS zone, h.hour, h.n
       FROM contacts c
       LEFT JOIN zone_active_hours z ON z.timezone = boomerang_safe_zone(c.timezone)
       LEFT JOIN LATERAL (
         SELECT extract(hour FROM e.occurred_at AT TIME ZONE boomerang_safe_zone(c.timezone))::int AS hour, count(*)::int AS n
           FROM events e
          WHERE e.contact_id = c.id AND e.is_activity AND e.occurred_at > $2 AND e.occurred_at <= $3
          GROUP BY 1) h ON true
      WHERE c.id = ANY($1::bigint[])`,
    [contactIds, since, now],
  );
  for (const r of rows.rows) {
    let hours = out.get(r.contact_id);
    if (!hours) out.set(r.contact_id, (hours = { contact: new Array<number>(24).fill(0), zone: r.zone ?? [] }));
    if (r.hour !== null && r.n !== null) (hours.contact as number[])[r.hour] = r.n;
  }
  return out;
}

/**
 * Rebuilds the per-zone hours from the newest activity events when they are a day old (engine clock): a zone's busy
 * hour over 8 weeks moves slowly, and the simulator's month of 2-hour ticks must not rebuild it 360 times.
 */
async function refreshZoneHours(tx: Tx, now: Date): Promise<void> {
  const stale = await tx.query<{ stale: boolean }>(
    `SELECT coalesce(max(refreshed_at) < $1::timestamptz - interval '1 day', true) AS stale FROM zone_active_hours`,
    [now],
  );
  if (!stale.rows[0].stale) return;
  // one engine refreshes; the others go on with what is there (a transaction-level lock: released at its COMMIT)
  const lock = await tx.query<{ ok: boolean }>(`SELECT pg_try_advisory_xact_lock(hashtext('boomerang.zone_active_hours')) AS ok`);
  if (!lock.rows[0].ok) return;
  await tx.query(
    `WITH recent AS (
       SELECT e.contact_id, e.occurred_at FROM events e WHERE e.is_activity AND e.occurred_at <= $1 ORDER BY e.id DESC LIMIT $2),
     per_hour AS (
       SELECT boomerang_safe_zone(c.timezone) AS timezone,
              extract(hour FROM r.occurred_at AT TIME ZONE boomerang_safe_zone(c.timezone))::int AS hour, count(*)::int AS n
         FROM recent r JOIN contacts c ON c.id = r.contact_id GROUP BY 1, 2)
     INSERT INTO zone_active_hours (timezone, counts, refreshed_at)
     SELECT timezone, array_agg(coalesce(p.n, 0) ORDER BY g.hour), $1
       FROM (SELECT DISTINCT timezone FROM per_hour) z CROSS JOIN generate_series(0, 23) AS g(hour)
       LEFT JOIN per_hour p USING (timezone, hour)
      GROUP BY timezone
     ON CONFLICT (timezone) DO UPDATE SET counts = excluded.counts, refreshed_at = excluded.refreshed_at`,
    [now, ZONE_SAMPLE],
  );
}
