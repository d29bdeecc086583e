/**
 * The runtime's SQL over `messages`: the outbox rows a batch's sends become, their cancellation on archive, and what
 * happens to a message after it left: clicks, opens, unsubscribes and provider receipts. The engine is the only
 * writer of `journeys`, `journey_log` and `messages`, so the API's tracking links and provider callbacks call these
 * functions instead of writing SQL of their own. Each is one statement (a data-modifying CTE), so the message, the
 * contact and the journey log change together; log rows are written only for the first click/open (repeats would
 * drown the journey's story).
 */
import type { ChannelKind, JourneySnapshot, SendEffect } from '../../core/types';
import type { Db, Tx } from '../db';

export interface TrackedMessage {
  id: string;
  journeyId: string;
  channel: ChannelKind;
  /** the destination stored with the message (the rendered template `url`) */
  url: string | null;
  /** the contact's `locale` attribute (pages shown to the contact speak it) */
  locale: string | null;
  /** true when this call recorded the first click/open/unsubscribe */
  first: boolean;
}

type Row = { id: string; journey_id: string; channel: ChannelKind; url: string | null; locale: string | null; first: boolean };
const view = (r: Row | undefined): TrackedMessage | null =>
  r ? { id: r.id, journeyId: r.journey_id, channel: r.channel, url: r.url, locale: r.locale, first: r.first } : null;

/** A click (implies an open); null when the message does not exist. */
export async function recordClick(db: Pick<Db, 'query'>, messageId: string, at: Date): Promise<TrackedMessage | null> {
  const result = await db.query<Row>(
    `WITH before AS (SELECT id, clicked_at IS NULL AS first FROM messages WHERE id = $1 FOR UPDATE),
     m AS (
       UPDATE messages m SET clicked_at = coalesce(m.clicked_at, $2), opened_at = coalesce(m.opened_at, $2)
         FROM before WHERE m.id = before.id
       RETURNING m.id, m.journey_id, m.node_id, m.channel, m.content->>'url' AS url, m.contact_id, before.first),
     log AS (
       INSERT INTO journey_log (journey_id, at, node_id, kind, detail)
       SELECT m.journey_id, $2, m.node_id, 'click', jsonb_build_object('messageId', m.id, 'channel', m.channel,
              'explanation', 'the contact clicked the ' || m.channel || ' message')
         FROM m WHERE m.first)
     SELECT m.id, m.journey_id, m.channel, m.url, c.attributes->>'locale' AS locale, m.first
       FROM m JOIN contacts c ON c.id = m.contact_id`,
    [messageId, at],
  );
  return view(result.rows[0]);
}

/** An open (tracking pixel). */
export async function recordOpen(db: Pick<Db, 'query'>, messageId: string, at: Date): Promise<TrackedMessage | null> {
  const result = await db.query<Row>(
    `WITH before AS (SELECT id, opened_at IS NULL AS first FROM messages WHERE id = $1 FOR UPDATE),
     m AS (
       UPDATE messages m SET opened_at = coalesce(m.opened_at, $2) FROM before WHERE m.id = before.id
       RETURNING m.id, m.journey_id, m.node_id, m.channel, m.content->>'url' AS url, m.contact_id, before.first),
     log AS (
       INSERT INTO journey_log (journey_id, at, node_id, kind, detail)
       SELECT m.journey_id, $2, m.node_id, 'open', jsonb_build_object('messageId', m.id, 'channel', m.channel,
              'explanation', 'the contact opened the ' || m.channel || ' message')
         FROM m WHERE m.first)
     SELECT m.id, m.journey_id, m.channel, m.url, c.attributes->>'locale' AS locale, m.first
       FROM m JOIN contacts c ON c.id = m.contact_id`,
    [messageId, at],
  );
  return view(result.rows[0]);
}

/** The message and its contact's locale, writing nothing but a log row that the confirmation page was shown. */
export async function recordUnsubscribePageView(db: Pick<Db, 'query'>, messageId: string, at: Date): Promise<TrackedMessage | null> {
  const result = await db.query<Row>(
    `WITH m AS (SELECT id, journey_id, node_id, channel, content->>'url' AS url, contact_id, unsubscribed_at IS NULL AS first
                  FROM messages WHERE id = $1),
     log AS (
       INSERT INTO journey_log (journey_id, at, node_id, kind, detail)
       SELECT m.journey_id, $2, m.node_id, 'unsubscribe', jsonb_build_object('messageId', m.id, 'channel', m.channel,
              'action', 'confirmation_shown',
              'explanation', 'the unsubscribe page was opened (nothing changes until it is confirmed)')
         FROM m)
     SELECT m.id, m.journey_id, m.channel, m.url, c.attributes->>'locale' AS locale, m.first
       FROM m JOIN contacts c ON c.id = m.contact_id`,
    [messageId, at],
  );
  return view(result.rows[0]);
}

/**
 * Unsubscribe from the message's channel: the contact's consent for it becomes false, which stops that channel in
 * every flow (the core's channel choice and the dispatcher both check consent). `via`: `one_click` (RFC 8058) or
 * `page` (the confirmation page's button).
 */
export async function recordUnsubscribe(
  db: Pick<Db, 'query'>,
  messageId: string,
  at: Date,
  via: 'one_click' | 'page',
): Promise<TrackedMessage | null> {
  const result = await db.query<Row>(
    `WITH before AS (SELECT id, unsubscribed_at IS NULL AS first FROM messages WHERE id = $1 FOR UPDATE),
     m AS (
       UPDATE messages m SET unsubscribed_at = coalesce(m.unsubscribed_at, $2) FROM before WHERE m.id = before.id
       RETURNING m.id, m.journey_id, m.node_id, m.channel, m.content->>'url' AS url, m.contact_id, before.first),
     c AS (
       UPDATE contacts c SET consent = c.consent || jsonb_build_object(m.channel, false), updated_at = now()
         FROM m WHERE c.id = m.contact_id RETURNING c.id, c.attributes->>'locale' AS locale),
     log AS (
       INSERT INTO journey_log (journey_id, at, node_id, kind, detail)
       SELECT m.journey_id, $2, m.node_id, 'unsubscribe', jsonb_build_object('messageId', m.id, 'channel', m.channel,
              'action', 'unsubscribed', 'via', $3::text,
              'explanation', 'the contact unsubscribed from ' || m.channel || ' (' || $3::text || '): no flow sends on it any more')
         FROM m)
     SELECT m.id, m.journey_id, m.channel, m.url, c.locale, m.first FROM m JOIN c ON c.id = m.contact_id`,
    [messageId, at, via],
  );
  return view(result.rows[0]);
}

export type ReceiptStatus = 'delivered' | 'bounced' | 'failed';

export interface Receipt {
  /** our message id, or… */
  messageId?: string;
  /** …the provider's id returned at send */
  providerId?: string;
  channel: ChannelKind;
  status: ReceiptStatus;
  /** bounces: `hard` (the address does not exist: email consent is cleared) or `soft` */
  bounce?: 'hard' | 'soft';
  reason?: string;
}

export interface ReceiptOutcome {
  messageId: string;
  status: 'delivered' | 'failed';
  consentCleared: boolean;
}

/**
 * A provider's delivery receipt: `delivered` moves a sent message to delivered; `failed` and `bounced` move it to
 * failed (a late bounce overrides an earlier delivered); a hard email bounce clears the contact's email consent.
 * Each receipt writes one `receipt` journey log row. Null when no message of that channel matches.
 */
export async function recordReceipt(db: Pick<Db, 'query'>, receipt: Receipt, at: Date): Promise<ReceiptOutcome | null> {
  const status = receipt.status === 'delivered' ? 'delivered' : 'failed';
  const clearConsent = receipt.channel === 'email' && receipt.status === 'bounced' && receipt.bounce !== 'soft';
  const result = await db.query<{ id: string; status: 'delivered' | 'failed'; consent_cleared: boolean }>(
    `WITH target AS (
       SELECT id FROM messages
        WHERE channel = $3 AND (($1::uuid IS NOT NULL AND id = $1::uuid) OR ($1::uuid IS NULL AND provider_id = $2))
        LIMIT 1 FOR UPDATE),
     m AS (
       UPDATE messages m SET
              status = CASE WHEN $4 = 'delivered' AND m.status IN ('queued', 'sent') THEN 'delivered'
                            WHEN $4 = 'failed' THEN 'failed' ELSE m.status END,
              delivered_at = CASE WHEN $4 = 'delivered' THEN coalesce(m.delivered_at, $6) ELSE m.delivered_at END,
              failed_at = CASE WHEN $4 = 'failed' THEN coalesce(m.failed_at, $6) ELSE m.failed_at END,
              last_error = CASE WHEN $4 = 'failed' THEN left($5, 1000) ELSE m.last_error END,
              next_attempt_at = CASE WHEN $4 = 'failed' THEN NULL ELSE m.next_attempt_at END
         FROM target WHERE m.id = target.id
       RETURNING m.id, m.journey_id, m.node_id, m.contact_id, m.status),
     c AS (
       UPDATE contacts c SET consent = c.consent || '{"email": false}'::jsonb, updated_at = now()
         FROM m WHERE $7 AND c.id = m.contact_id RETURNING c.id),
     log AS (
       INSERT INTO journey_log (journey_id, at, node_id, kind, detail)
       SELECT m.journey_id, $6, m.node_id, 'receipt', jsonb_strip_nulls(jsonb_build_object(
                'messageId', m.id, 'channel', $3::text, 'status', $8::text, 'bounce', $9::text, 'reason', left($5, 300),
                'consentCleared', CASE WHEN $7 THEN true END,
                'explanation', 'provider receipt: ' || $8::text || CASE WHEN $7 THEN ' (hard bounce: email consent cleared)' ELSE '' END))
         FROM m)
     SELECT m.id, m.status, EXISTS (SELECT 1 FROM c) AS consent_cleared FROM m`,
    [
      receipt.messageId ?? null,
      receipt.providerId ?? null,
      receipt.channel,
      status,
      receipt.reason ?? (status === 'failed' ? `provider reported ${receipt.status}` : null),
      at,
      clearConsent,
      receipt.status,
      receipt.bounce ?? null,
    ],
  );
  const row = result.rows[0];
  return row ? { messageId: row.id, status: row.status, consentCleared: row.consent_cleared } : null;
}

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
