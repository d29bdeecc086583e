/**
 * The runtime's SQL over `messages` written by a batch: the outbox rows its sends become.
 */
import type { JourneySnapshot, SendEffect } from '../../core/types';
import type { Db, Tx } from '../db';

/** Queues the batch's sends in the outbox; a repeated idempotency key is ignored. Returns how many were queued. */
export async function queueMessages(tx: Tx, sends: { journey: JourneySnapshot; effect: SendEffect }[]): Promise<number> {
  if (!sends.length) return 0;
  const rows = sends.map((s) => [
    s.effect.messageId ?? null,
    s.effect.idempotencyKey,
    s.journey.id,
    s.journey.flowId,
    s.journey.version,
    s.journey.contactId,
    s.effect.nodeId,
    s.effect.channel,
    s.effect.content,
    Math.max(0, Math.round(s.effect.costCents ?? 0)),
    s.effect.at,
  ]);
  const inserted = await tx.query(
    `INSERT INTO messages (id, idempotency_key, journey_id, flow_id, flow_version, contact_id, node_id, channel, status,
                           content, cost_cents, attempts, next_attempt_at, created_at)
     SELECT COALESCE((u->>0)::uuid, gen_random_uuid()), u->>1, (u->>2)::uuid, (u->>3)::uuid, (u->>4)::int, (u->>5)::bigint,
            u->>6, u->>7, 'queued', u->8, (u->>9)::int, 0, (u->>10)::timestamptz, (u->>10)::timestamptz
       FROM jsonb_array_elements($1::jsonb) AS u
     ON CONFLICT (idempotency_key) DO NOTHING`,
    [JSON.stringify(rows)],
  );
  return inserted.rowCount ?? 0;
}

/** Archive: messages still in the outbox are never sent (the dispatcher skips inactive flows, so say so). */
export async function cancelQueuedMessages(db: Pick<Db, 'query'>, flowId: string, at: Date, reason: string): Promise<number> {
  const result = await db.query<{ n: number }>(
    `WITH cancelled AS (
       UPDATE messages SET status = 'failed', failed_at = $2, next_attempt_at = NULL, last_error = $3
        WHERE flow_id = $1 AND status = 'queued' RETURNING 1)
     SELECT count(*)::int AS n FROM cancelled`,
    [flowId, at, reason],
  );
  return result.rows[0].n;
}
