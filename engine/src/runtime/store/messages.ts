/**
 * The runtime's SQL over `messages`: the outbox rows a batch's sends become, their cancellation on archive, and what
 * happens to a message after it left: clicks, opens, unsubscribes and provider receipts. The engine is the only
 * writer of `journeys`, `journey_log` and `messages`, so the API's tracking links and provider callbacks call these
 * functions instead of writing SQL of their own. Each is one statement (a data-modifying CTE), so the message, the
 * contact and the journey log change together; log rows are written only for the first click/open (repeats would
 * drown the journey's story).
 */
import type { ChannelKind, JourneySnapshot, MessageStatus, RenderedContent, SendEffect } from '../../core/types';
import type { Db, Tx } from '../db';
import { claimByBucket, contactBucketSql, type BucketCandidate } from './buckets';
import type { EscalationInfo } from '../escalation';
import { activeFlowSql } from './flows';

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

/** A message as links and provider callbacks name it: our id, or the provider's id on a channel. */
type MessageRef = { id: string; channel?: ChannelKind } | { providerId: string; channel: ChannelKind };

/**
 * What finds one message in one month of `messages` (partitioned by month of `created_at`: by id alone, every month's
 * index is probed). `created_at` is PostgreSQL's own text of the instant, so a JavaScript Date's milliseconds never
 * round it to a different value.
 */
export interface MessageKey {
  id: string;
  contact_id: string;
  created_at: string;
}

/** The key columns of `keys` as parameters for `unnest($n::uuid[], $n+1::bigint[], $n+2::timestamptz[], …)`. */
const keyParams = (keys: readonly MessageKey[]) => [keys.map((k) => k.id), keys.map((k) => k.contact_id), keys.map((k) => k.created_at)];

/**
 * `unnest` of message keys and one more column, as `u(id, contact_id, created_at, <column>)`: parameters $1–$4,
 * given by `keyedRows`.
 */
const keyedUnnest = (column: string, type: string) =>
  `unnest($1::uuid[], $2::bigint[], $3::timestamptz[], $4::${type}[]) AS u(id, contact_id, created_at, ${column})`;
const keyedRows = <T extends MessageKey>(rows: readonly T[], value: (row: T) => unknown) => [...keyParams(rows), rows.map(value)];

/** `m` is the message `u` names (both have id, contact_id and created_at). */
const sameMessage = (m: string, u: string) =>
  `${m}.id = ${u}.id AND ${m}.contact_id = ${u}.contact_id AND ${m}.created_at = ${u}.created_at`;

/**
 * Runs `work` on a message named by `ref`, given its id and its contact. The contact is read first, without locks;
 * `work` then locks and changes the message by `(id, contact_id, created_at)` (its month too: see `MessageKey`). A database sharded by contact (Citus,
 * docs/SCALING.md) routes a locking statement to one shard only when it names the contact, and the links already
 * sent and the provider ids name the message alone. A contact merge may move the message between the two reads:
 * `work` then finds nothing (answers null) and the contact is read again. Null when no message matches.
 */
async function onMessage<T>(
  db: Pick<Db, 'query'>,
  ref: MessageRef,
  work: (id: string, contactId: string, createdAt: string) => Promise<T | null>,
): Promise<T | null> {
  const [column, value] = 'id' in ref ? ['id', ref.id] : ['provider_id', ref.providerId];
  let tried: string | null = null;
  for (let attempt = 0; attempt < 3; attempt++) {
    const found = await db.query<MessageKey>(
      `SELECT id, contact_id::text, created_at::text FROM messages WHERE ${column} = $1 AND ($2::text IS NULL OR channel = $2) LIMIT 1`,
      [value, ref.channel ?? null],
    );
    const message = found.rows[0];
    if (!message || message.contact_id === tried) return null;
    const done = await work(message.id, message.contact_id, message.created_at);
    if (done !== null) return done;
    tried = message.contact_id;
  }
  return null;
}

/**
 * The first click or open of a message is stamped and logged; a repeat only answers the message. A click implies an
 * open. One statement: the message row is locked, so two concurrent clicks log one row.
 */
async function recordEngagement(
  db: Pick<Db, 'query'>,
  messageId: string,
  at: Date,
  kind: 'click' | 'open',
): Promise<TrackedMessage | null> {
  const column = kind === 'click' ? 'clicked_at' : 'opened_at';
  const also = kind === 'click' ? ', opened_at = coalesce(m.opened_at, $2)' : '';
  const verb = kind === 'click' ? 'clicked' : 'opened';
  return onMessage(db, { id: messageId }, async (id, contactId, createdAt) => {
    const result = await db.query<Row>(
      `WITH before AS (SELECT id, ${column} IS NULL AS first FROM messages WHERE id = $1 AND contact_id = $3 AND created_at = $4 FOR UPDATE),
     m AS (
       UPDATE messages m SET ${column} = coalesce(m.${column}, $2)${also}
         FROM before WHERE m.id = before.id AND m.contact_id = $3 AND m.created_at = $4
       RETURNING m.id, m.journey_id, m.node_id, m.channel, m.content->>'url' AS url, m.contact_id, before.first),
     log AS (
       INSERT INTO journey_log (journey_id, contact_id, at, node_id, kind, detail)
       SELECT m.journey_id, m.contact_id, $2, m.node_id, '${kind}', jsonb_build_object('messageId', m.id, 'channel', m.channel,
              'explanation', 'the contact ${verb} the ' || m.channel || ' message')
         FROM m WHERE m.first)
     SELECT m.id, m.journey_id, m.channel, m.url, c.attributes->>'locale' AS locale, m.first
       FROM m JOIN contacts c ON c.id = m.contact_id AND c.id = $3`,
      [id, at, contactId, createdAt],
    );
    return view(result.rows[0]);
  });
}

/** A click (implies an open); null when the message does not exist. */
export function recordClick(db: Pick<Db, 'query'>, messageId: string, at: Date): Promise<TrackedMessage | null> {
  return recordEngagement(db, messageId, at, 'click');
}

/**
 * Simulated clicks (the what-if simulator, in its throw-away schema): the messages' click and open times only, no
 * journey log or wake-up — the simulation draws its own responses and replays them as events.
 */
export async function markClicked(db: Pick<Db, 'query'>, messageIds: string[], at: Date): Promise<void> {
  if (!messageIds.length) return;
  await db.query(`UPDATE messages SET clicked_at = $2, opened_at = coalesce(opened_at, $2) WHERE id = ANY($1::uuid[])`, [messageIds, at]);
}

/** An open (tracking pixel). */
export function recordOpen(db: Pick<Db, 'query'>, messageId: string, at: Date): Promise<TrackedMessage | null> {
  return recordEngagement(db, messageId, at, 'open');
}

/** The message and its contact's locale, writing nothing but a log row that the confirmation page was shown. */
export async function recordUnsubscribePageView(db: Pick<Db, 'query'>, messageId: string, at: Date): Promise<TrackedMessage | null> {
  return onMessage(db, { id: messageId }, async (id, contactId, createdAt) => {
    const result = await db.query<Row>(
      `WITH m AS (SELECT id, journey_id, node_id, channel, content->>'url' AS url, contact_id, unsubscribed_at IS NULL AS first
                  FROM messages WHERE id = $1 AND contact_id = $3 AND created_at = $4),
     log AS (
       INSERT INTO journey_log (journey_id, contact_id, at, node_id, kind, detail)
       SELECT m.journey_id, m.contact_id, $2, m.node_id, 'unsubscribe', jsonb_build_object('messageId', m.id, 'channel', m.channel,
              'action', 'confirmation_shown',
              'explanation', 'the unsubscribe page was opened (nothing changes until it is confirmed)')
         FROM m)
     SELECT m.id, m.journey_id, m.channel, m.url, c.attributes->>'locale' AS locale, m.first
       FROM m JOIN contacts c ON c.id = m.contact_id AND c.id = $3`,
      [id, at, contactId, createdAt],
    );
    return view(result.rows[0]);
  });
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
  return onMessage(db, { id: messageId }, async (id, contactId, createdAt) => {
    const result = await db.query<Row>(
      `WITH before AS (SELECT id, unsubscribed_at IS NULL AS first FROM messages WHERE id = $1 AND contact_id = $4 AND created_at = $5 FOR UPDATE),
     m AS (
       UPDATE messages m SET unsubscribed_at = coalesce(m.unsubscribed_at, $2) FROM before
        WHERE m.id = before.id AND m.contact_id = $4 AND m.created_at = $5
       RETURNING m.id, m.journey_id, m.node_id, m.channel, m.content->>'url' AS url, m.contact_id, before.first),
     c AS (
       -- jsonb_set, IMMUTABLE: Citus refuses STABLE functions (jsonb_build_object) over columns in an UPDATE
       UPDATE contacts c SET consent = jsonb_set(c.consent, ARRAY[m.channel], 'false'), updated_at = now()
         FROM m WHERE c.id = m.contact_id AND c.id = $4 RETURNING c.id, c.attributes->>'locale' AS locale),
     log AS (
       INSERT INTO journey_log (journey_id, contact_id, at, node_id, kind, detail)
       SELECT m.journey_id, m.contact_id, $2, m.node_id, 'unsubscribe', jsonb_build_object('messageId', m.id, 'channel', m.channel,
              'action', 'unsubscribed', 'via', $3::text,
              'explanation', 'the contact unsubscribed from ' || m.channel || ' (' || $3::text || '): no flow sends on it any more')
         FROM m)
     SELECT m.id, m.journey_id, m.channel, m.url, c.locale, m.first FROM m JOIN c ON c.id = m.contact_id`,
      [id, at, via, contactId, createdAt],
    );
    return view(result.rows[0]);
  });
}

/** A topic a contact left on the preference page, and on which channels (`*`: every channel). */
export interface TopicLeft {
  topic: string;
  channels: string[];
}

/**
 * Topics left on the preference page a message's signed link opened: one `unsubscribe` journey log row per topic
 * (`action: "left_topic"`), on that message's journey, so a flow's metrics count the unsubscribes per topic its
 * messages led to. `via`: the page's boxes or its Leave everything.
 */
export async function recordTopicsLeft(
  db: Pick<Db, 'query'>,
  messageId: string,
  at: Date,
  left: TopicLeft[],
  via: 'preference_page' | 'leave_everything',
): Promise<void> {
  if (!left.length) return;
  await onMessage(db, { id: messageId }, async (id, contactId, createdAt) => {
    const logged = await db.query(
      `INSERT INTO journey_log (journey_id, contact_id, at, node_id, kind, detail)
     SELECT m.journey_id, m.contact_id, $2, m.node_id, 'unsubscribe',
            jsonb_build_object('messageId', m.id, 'channel', m.channel, 'action', 'left_topic', 'topic', x.topic,
              'channels', x.channels, 'via', $4::text,
              'explanation', 'the contact left the topic "' || x.topic || '" (' || array_to_string(ARRAY(SELECT jsonb_array_elements_text(x.channels)), ', ') || ') on the preference page')
       FROM messages m, jsonb_to_recordset($3::jsonb) AS x(topic text, channels jsonb)
      WHERE m.id = $1 AND m.contact_id = $5 AND m.created_at = $6`,
      [id, at, JSON.stringify(left), via, contactId, createdAt],
    );
    return logged.rowCount ? true : null;
  });
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
 * A provider's delivery receipt. Applied at once when its message is known; a receipt naming a provider id that no
 * message carries yet (the provider called back before the dispatcher's chunk committed) is kept in
 * `pending_receipts` and applied by the transaction that records that provider id, or by the tick's sweep
 * (`applyPendingReceipts`) when the two crossed. Null only for an unknown message id of ours (we know every one we
 * sent). Either way the receipt is durable when this returns.
 */
export async function recordReceipt(db: Pick<Db, 'query'>, receipt: Receipt, at: Date): Promise<ReceiptOutcome | { pending: true } | null> {
  const applied = await applyReceipt(db, receipt, at);
  if (applied || receipt.messageId || !receipt.providerId) return applied;
  await db.query(
    `INSERT INTO pending_receipts (channel, provider_id, status, bounce, reason, received_at) VALUES ($1, $2, $3, $4, $5, $6)`,
    [receipt.channel, receipt.providerId, receipt.status, receipt.bounce ?? null, receipt.reason ?? null, at],
  );
  return { pending: true };
}

/**
 * Receipts kept for provider ids that messages now carry, applied in arrival order and removed, in the caller's
 * transaction: `scope` limits it to the provider ids a dispatch chunk just recorded; without it, every match (the
 * tick's sweep). Locked with SKIP LOCKED, so any number of engines share the work. Returns how many were applied.
 */
export async function applyPendingReceipts(
  db: Pick<Db, 'query'>,
  scope: { channel: ChannelKind; providerId: string }[] | null,
  limit = 1000,
): Promise<number> {
  if (scope && !scope.length) return 0;
  // the matches first, unlocked (a join of the receipts to the messages, which a sharded database runs on every
  // shard), then the receipts alone, locked and removed: a sharded database locks rows only in a statement routed to
  // one place (here the receipts, a replicated table). Nothing matched, the usual case: one statement.
  const matched = await db.query<{ id: string; message_id: string }>(
    `SELECT p.id::text, m.id AS message_id
       FROM pending_receipts p JOIN messages m ON m.provider_id = p.provider_id AND m.channel = p.channel
      WHERE $1::text[] IS NULL OR (p.provider_id, p.channel) IN (SELECT * FROM unnest($1::text[], $2::text[]))
      ORDER BY p.id LIMIT $3`,
    [scope?.map((s) => s.providerId) ?? null, scope?.map((s) => s.channel) ?? null, limit],
  );
  if (!matched.rows.length) return 0;
  const messageOf = new Map(matched.rows.map((r) => [r.id, r.message_id]));
  const due = await db.query<{ id: string } & Omit<PendingRow, 'message_id'>>(
    `WITH due AS (SELECT p.id FROM pending_receipts p WHERE p.id = ANY ($1::bigint[]) ORDER BY p.id FOR UPDATE OF p SKIP LOCKED)
     DELETE FROM pending_receipts p USING due WHERE p.id = due.id
     RETURNING p.id::text, p.channel, p.status, p.bounce, p.reason, p.received_at`,
    [[...messageOf.keys()]],
  );
  // DELETE … RETURNING gives no order: arrival order decides nothing (failure wins whatever came first), but the
  // journey log reads best in it
  const rows = due.rows.sort((a, b) => a.received_at.getTime() - b.received_at.getTime());
  for (const r of rows) {
    await applyReceipt(
      db,
      {
        messageId: messageOf.get(r.id)!,
        channel: r.channel,
        status: r.status,
        bounce: r.bounce ?? undefined,
        reason: r.reason ?? undefined,
      },
      r.received_at,
    );
  }
  return rows.length;
}

/** Whether any receipt waits for its message (one index-only probe: the tick's sweep costs nothing when none does). */
export async function hasPendingReceipts(db: Pick<Db, 'query'>): Promise<boolean> {
  return (await db.query(`SELECT 1 FROM pending_receipts LIMIT 1`)).rows.length > 0;
}

interface PendingRow {
  message_id: string;
  channel: ChannelKind;
  status: ReceiptStatus;
  bounce: 'hard' | 'soft' | null;
  reason: string | null;
  received_at: Date;
}

/**
 * A receipt applied to its message: `delivered` moves a sent message to delivered; `failed` and `bounced` move it to
 * failed (a late bounce overrides an earlier delivered, a late delivered never overrides a failure: the final state
 * is the same whatever order receipts arrive in); a hard email bounce clears the contact's email consent. Each
 * receipt writes one `receipt` journey log row. Null when no message of that channel matches.
 */
async function applyReceipt(db: Pick<Db, 'query'>, receipt: Receipt, at: Date): Promise<ReceiptOutcome | null> {
  const status = receipt.status === 'delivered' ? 'delivered' : 'failed';
  const clearConsent = receipt.channel === 'email' && receipt.status === 'bounced' && receipt.bounce !== 'soft';
  if (!receipt.messageId && !receipt.providerId) return null;
  const ref: MessageRef = receipt.messageId
    ? { id: receipt.messageId, channel: receipt.channel }
    : { providerId: receipt.providerId!, channel: receipt.channel };
  return onMessage(db, ref, async (id, contactId, createdAt) => {
    const result = await db.query<{ id: string; status: 'delivered' | 'failed'; consent_cleared: boolean }>(
      `WITH target AS (SELECT id FROM messages WHERE id = $1 AND contact_id = $2 AND created_at = $10 AND channel = $3 FOR UPDATE),
     m AS (
       UPDATE messages m SET
              status = CASE WHEN $4 = 'delivered' AND m.status IN ('queued', 'sent') THEN 'delivered'
                            WHEN $4 = 'failed' THEN 'failed' ELSE m.status END,
              delivered_at = CASE WHEN $4 = 'delivered' THEN coalesce(m.delivered_at, $6) ELSE m.delivered_at END,
              failed_at = CASE WHEN $4 = 'failed' THEN coalesce(m.failed_at, $6) ELSE m.failed_at END,
              last_error = CASE WHEN $4 = 'failed' THEN left($5, 1000) ELSE m.last_error END,
              next_attempt_at = CASE WHEN $4 = 'failed' THEN NULL ELSE m.next_attempt_at END
         FROM target WHERE m.id = target.id AND m.contact_id = $2 AND m.created_at = $10
       RETURNING m.id, m.journey_id, m.node_id, m.contact_id, m.status),
     c AS (
       UPDATE contacts c SET consent = c.consent || '{"email": false}'::jsonb, updated_at = now()
         FROM m WHERE $7 AND c.id = m.contact_id AND c.id = $2 RETURNING c.id),
     log AS (
       INSERT INTO journey_log (journey_id, contact_id, at, node_id, kind, detail)
       SELECT m.journey_id, m.contact_id, $6, m.node_id, 'receipt', jsonb_strip_nulls(jsonb_build_object(
                'messageId', m.id, 'channel', $3::text, 'status', $8::text, 'bounce', $9::text, 'reason', left($5, 300),
                'consentCleared', CASE WHEN $7 THEN true END,
                'explanation', 'provider receipt: ' || $8::text || CASE WHEN $7 THEN ' (hard bounce: email consent cleared)' ELSE '' END))
         FROM m)
     SELECT m.id, m.status, EXISTS (SELECT 1 FROM c) AS consent_cleared FROM m`,
      [
        id,
        contactId,
        receipt.channel,
        status,
        receipt.reason ?? (status === 'failed' ? `provider reported ${receipt.status}` : null),
        at,
        clearConsent,
        receipt.status,
        receipt.bounce ?? null,
        createdAt,
      ],
    );
    const row = result.rows[0];
    return row ? { messageId: row.id, status: row.status, consentCleared: row.consent_cleared } : null;
  });
}

/** Where the key's parts sit in an outbox row (queueMessages and insertHops build rows this way). */
const OUTBOX_ROW = { idempotencyKey: 1, contactId: 5 } as const;

/** The outbox columns every queued message has, from the row's first ten values (see queueMessages and insertHops). */
const outboxColumns = {
  idempotency_key: `u->>${OUTBOX_ROW.idempotencyKey}`,
  journey_id: `(u->>2)::uuid`,
  flow_id: `(u->>3)::uuid`,
  flow_version: `(u->>4)::int`,
  contact_id: `(u->>${OUTBOX_ROW.contactId})::bigint`,
  node_id: `u->>6`,
  channel: `u->>7`,
  status: `'queued'`,
  content: `u->8`,
  cost_cents: `(u->>9)::int`,
  attempts: `0`,
  next_attempt_at: `(u->>10)::timestamptz`,
};

/**
 * Writes `rows`' idempotency keys (`message_keys`) and inserts the rows whose key this statement wrote: a key written
 * before (a step replayed after a crash, in this month or a later one) queues nothing. `columns`: each messages column
 * with its value over `u` (a row, one jsonb array); they must include idempotency_key, contact_id and created_at.
 * Twins inside one call: the first. Returns the ids inserted.
 */
async function insertKeyedMessages(tx: Tx, rows: unknown[][], columns: Record<string, string>): Promise<string[]> {
  const seen = new Set<string>();
  const once = rows.filter((r) => {
    const k = `${String(r[OUTBOX_ROW.contactId])}\u0000${String(r[OUTBOX_ROW.idempotencyKey])}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  if (!once.length) return [];
  const names = Object.keys(columns).join(', ');
  // typed columns in the CTE, plain names after it: Citus plans the final INSERT … SELECT over the CTE's result
  const inserted = await tx.query<{ id: string }>(
    `WITH batch AS (SELECT ${Object.entries(columns)
      .map(([name, value]) => `${value} AS ${name}`)
      .join(', ')} FROM jsonb_array_elements($1::jsonb) AS u),
     k AS (
       INSERT INTO message_keys (idempotency_key, contact_id, created_at) SELECT idempotency_key, contact_id, created_at FROM batch
       ON CONFLICT (idempotency_key, contact_id) DO NOTHING RETURNING idempotency_key, contact_id)
     INSERT INTO messages (${names})
     SELECT ${Object.keys(columns)
       .map((name) => `b.${name}`)
       .join(', ')}
       FROM batch b JOIN k ON k.idempotency_key = b.idempotency_key COLLATE "C" AND k.contact_id = b.contact_id
     RETURNING id`,
    [JSON.stringify(once)],
  );
  return inserted.rows.map((r) => r.id);
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
    s.effect.topic ?? null,
  ]);
  const inserted = await insertKeyedMessages(tx, rows, {
    id: `COALESCE((u->>0)::uuid, gen_random_uuid())`,
    ...outboxColumns,
    created_at: `(u->>10)::timestamptz`,
    topic: `u->>11`,
  });
  return inserted.length;
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

/** A queued message claimed for sending, with what sending needs of its contact. */
export interface DueMessage extends MessageKey {
  idempotency_key: string;
  journey_id: string;
  node_id: string;
  channel: ChannelKind;
  content: RenderedContent;
  attempts: number;
  attributes: Record<string, unknown>;
  consent: Partial<Record<ChannelKind, boolean>>;
  flow_id: string;
  flow_version: number;
  /** the flow's stored quiet-hours choice (`settings.quietHours`, read with `flowQuietHoursOf`), held at send time too */
  flow_quiet_hours: unknown;
  escalation: EscalationInfo | null;
  external_id: string;
  timezone: string | null;
  /** the message's subscription topic, if any */
  topic: string | null;
  /** whether the contact still receives that topic on this channel (null: no topic) */
  topic_allowed: boolean | null;
}

/** What one send attempt came to. */
export interface DeliveryOutcome {
  id: string;
  journeyId: string;
  nodeId: string;
  status: MessageStatus;
  providerId: string | null;
  error: string | null;
  nextAttemptAt: Date | null;
  attempt: number;
  adapter: string;
  contactId: string;
  segments: number | null;
  /** a dead address the provider reported (unregistered push token): removed from the contact */
  clearAttribute: string | null;
  /** a hard bounce: the contact's consent for the channel is withdrawn */
  hardBounce?: boolean;
}

/**
 * Locks up to `limit` due queued messages of active flows (SKIP LOCKED), with what sending needs of the contact.
 * `channels`: only one channel's (`only`), or every channel but some (`except`): rate-limited channels are claimed
 * on their own, as many as their permits allow (store/rate-limits.ts).
 */
export async function claimDueMessages(
  tx: Tx,
  now: Date,
  limit: number,
  channels: { only?: ChannelKind; except?: ChannelKind[] } = {},
  /** lock per contact bucket, each statement routable to one shard (store/buckets.ts) */
  byBucket = false,
): Promise<DueMessage[]> {
  // The outbox is walked in due order and the LIMIT stops the walk. A queue that grew in a burst (a campaign queuing
  // 100,000 messages) leaves the row estimate stale until the next ANALYZE — 124 estimated, 89,994 queued — and the
  // planner then bitmap-scans, joins and sorts every queued message, on disk (400 ms a chunk at 100k). Without sorts
  // the ordered walk of messages_outbox_idx is the only plan left. SET LOCAL: this transaction only.
  await tx.query(`SET LOCAL enable_sort = off`);
  const params = [limit, now, channels.only ?? null, channels.except ?? []];
  // active flows as an InitPlan array: the outbox index is walked in due order and the LIMIT stops it
  // (a join to flows made the planner hash and sort every queued message per round)
  const due = `q.status = 'queued' AND q.next_attempt_at <= $2
        AND q.flow_id = ANY (ARRAY(SELECT f.id FROM flows f WHERE ${activeFlowSql('f')}))
        AND ($3::text IS NULL OR q.channel = $3) AND q.channel <> ALL ($4::text[])`;
  if (!byBucket) {
    const claimed = await tx.query<DueMessage>(
      `${dueMessageSelect()} WHERE ${due} ORDER BY q.next_attempt_at LIMIT $1 FOR UPDATE OF q SKIP LOCKED`,
      params,
    );
    return claimed.rows;
  }
  const candidates = async (tried: string[], n: number) =>
    (
      await tx.query<BucketCandidate>(
        `SELECT q.id, q.contact_id::text, ${contactBucketSql('q.contact_id')} AS bucket FROM messages q
          WHERE ${due} AND NOT (q.id = ANY($5::uuid[])) ORDER BY q.next_attempt_at LIMIT $1`,
        [n, ...params.slice(1), tried],
      )
    ).rows;
  // still queued and due when locked: another process may have sent one since the candidates were read
  return claimByBucket(tx, limit, candidates, async (bucketTx, contactIds, ids) => {
    const locked = await bucketTx.query<DueMessage>(
      `${dueMessageSelect('$1::bigint[]')} WHERE q.contact_id = ANY($1::bigint[]) AND q.id = ANY($2::uuid[]) AND q.status = 'queued'
          AND q.next_attempt_at <= $3 AND q.flow_id = ANY (ARRAY(SELECT f.id FROM flows f WHERE ${activeFlowSql('f')}))
        FOR UPDATE OF q SKIP LOCKED`,
      [contactIds, ids, now],
    );
    return locked.rows;
  });
}

/**
 * A due message with what sending needs of its contact (`q`: the message, `c`: its contact). `contacts`: a parameter
 * naming the contacts of one bucket, repeated for every per-contact table read (Citus routes a statement to one shard
 * only when each of its sharded tables is filtered by the list itself; it does not carry the list over the joins).
 */
function dueMessageSelect(contacts?: string): string {
  const only = (column: string) => (contacts ? ` AND ${column} = ANY (${contacts})` : '');
  return `SELECT q.id, q.contact_id::text, q.created_at::text, q.idempotency_key, q.journey_id, q.node_id, q.channel, q.content, q.attempts + 1 AS attempts,
            c.attributes, c.consent, q.flow_id, q.flow_version, q.escalation, c.external_id, c.timezone, q.topic,
            (SELECT f.settings -> 'quietHours' FROM flows f WHERE f.id = q.flow_id) AS flow_quiet_hours,
            -- a topic message: the contact's choice for (topic, channel), else for the topic, else the topic's default
            -- (primary-key probes, no ORDER BY: a Sort here would carry the enable_sort = off penalty into the plan)
            CASE WHEN q.topic IS NOT NULL THEN coalesce(
              (SELECT t.subscribed FROM contact_topics t
                WHERE t.contact_id = q.contact_id AND t.topic = q.topic AND t.channel = q.channel${only('t.contact_id')}),
              (SELECT t.subscribed FROM contact_topics t
                WHERE t.contact_id = q.contact_id AND t.topic = q.topic AND t.channel = '*'${only('t.contact_id')}),
              (SELECT t.default_subscribed FROM topics t WHERE t.key = q.topic), true) END AS topic_allowed
       FROM messages q JOIN contacts c ON c.id = q.contact_id${only('c.id')}`;
}

/**
 * One dispatch chunk's outcomes: status, provider id, attempt, backoff or dead state per message; a hard bounce
 * withdraws the channel's consent and a dead address is removed from the contact; one `delivery` log row per attempt.
 */
export async function recordDeliveries(
  tx: Tx,
  now: Date,
  sent: Pick<DueMessage, 'id' | 'created_at' | 'channel'>[],
  outcomes: DeliveryOutcome[],
): Promise<void> {
  if (!outcomes.length) return;
  const createdAt = new Map(sent.map((m) => [m.id, m.created_at]));
  await tx.query(
    `UPDATE messages m SET status = u.status, provider_id = COALESCE(u.provider_id, m.provider_id), last_error = u.error,
            next_attempt_at = u.next_attempt_at,
            sent_at = CASE WHEN u.status IN ('sent', 'delivered') THEN COALESCE(m.sent_at, $8::timestamptz) ELSE m.sent_at END,
            delivered_at = CASE WHEN u.status = 'delivered' THEN COALESCE(m.delivered_at, $8::timestamptz) ELSE m.delivered_at END,
            failed_at = CASE WHEN u.status = 'failed' THEN $8::timestamptz ELSE m.failed_at END,
            attempts = u.attempt,
            segments = COALESCE(u.segments, m.segments)
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::int[], $7::text[], $9::int[],
                   $10::bigint[], $11::timestamptz[])
            AS u(id, status, provider_id, error, next_attempt_at, attempt, adapter, segments, contact_id, created_at)
      WHERE ${sameMessage('m', 'u')} AND m.status = 'queued' AND m.attempts = u.attempt - 1`,
    [
      outcomes.map((o) => o.id),
      outcomes.map((o) => o.status),
      outcomes.map((o) => o.providerId),
      outcomes.map((o) => o.error),
      outcomes.map((o) => o.nextAttemptAt),
      outcomes.map((o) => o.attempt),
      outcomes.map((o) => o.adapter),
      now,
      outcomes.map((o) => o.segments),
      outcomes.map((o) => o.contactId),
      outcomes.map((o) => createdAt.get(o.id)),
    ],
  );
  // receipts that beat this chunk's COMMIT to the server (the provider called back at once) apply with it
  const channelOf = new Map(sent.map((m) => [m.id, m.channel]));
  await applyPendingReceipts(
    tx,
    outcomes.flatMap((o) =>
      o.providerId && o.status !== 'queued' && o.status !== 'failed' ? [{ channel: channelOf.get(o.id)!, providerId: o.providerId }] : [],
    ),
  );
  const bounced = outcomes.filter((o) => o.hardBounce);
  if (bounced.length) {
    await tx.query(
      `UPDATE contacts c SET consent = c.consent || jsonb_build_object(u.channel, false), updated_at = $3::timestamptz
         FROM unnest($1::bigint[], $2::text[]) AS u(id, channel) WHERE c.id = u.id`,
      [bounced.map((o) => o.contactId), bounced.map((o) => channelOf.get(o.id)), now],
    );
  }
  const cleared = outcomes.filter((o) => o.clearAttribute);
  if (cleared.length) {
    await tx.query(
      `UPDATE contacts c SET attributes = c.attributes - u.key, updated_at = $3::timestamptz
         FROM unnest($1::bigint[], $2::text[]) AS u(id, key) WHERE c.id = u.id`,
      [cleared.map((o) => o.contactId), cleared.map((o) => o.clearAttribute), now],
    );
  }
  await tx.query(
    `INSERT INTO journey_log (journey_id, contact_id, at, node_id, kind, detail)
     SELECT u.journey_id, u.contact_id, $4::timestamptz, u.node_id, 'delivery', u.detail
       FROM unnest($1::uuid[], $2::text[], $3::jsonb[], $5::bigint[]) AS u(journey_id, node_id, detail, contact_id)`,
    [
      outcomes.map((o) => o.journeyId),
      outcomes.map((o) => o.nodeId),
      outcomes.map((o) =>
        JSON.stringify({
          messageId: o.id,
          attempt: o.attempt,
          status: o.status === 'queued' ? 'retrying' : o.status,
          adapter: o.adapter,
          ...(o.providerId ? { providerId: o.providerId } : {}),
          ...(o.error ? { error: o.error } : {}),
          ...(o.segments ? { segments: o.segments } : {}),
          ...(o.clearAttribute ? { clearedAttribute: o.clearAttribute } : {}),
          ...(o.hardBounce ? { hardBounce: true, consentCleared: true } : {}),
          ...(o.nextAttemptAt && o.status === 'queued' ? { nextAttemptAt: o.nextAttemptAt.toISOString() } : {}),
        }),
      ),
      now,
      outcomes.map((o) => o.contactId),
    ],
  );
}

/** Due escalation hops: their journey's state and whether anything on their chain was clicked or opened. */
export async function hopStates(
  db: Pick<Db, 'query'>,
  hops: readonly MessageKey[],
): Promise<{ id: string; journey_state: string; clicked: boolean; opened: boolean }[]> {
  const state = await db.query<{ id: string; journey_state: string; clicked: boolean; opened: boolean }>(
    `SELECT h.id, j.state AS journey_state,
            EXISTS (SELECT 1 FROM messages x WHERE x.journey_id = h.journey_id AND x.contact_id = h.contact_id AND x.clicked_at IS NOT NULL
                       AND (x.id = (h.escalation->>'fromMessageId')::uuid OR x.escalation->>'fromMessageId' = h.escalation->>'fromMessageId')) AS clicked,
            EXISTS (SELECT 1 FROM messages x WHERE x.journey_id = h.journey_id AND x.contact_id = h.contact_id AND x.opened_at IS NOT NULL
                       AND (x.id = (h.escalation->>'fromMessageId')::uuid OR x.escalation->>'fromMessageId' = h.escalation->>'fromMessageId')) AS opened
       FROM unnest($1::uuid[], $2::bigint[], $3::timestamptz[]) AS u(id, contact_id, created_at)
       JOIN messages h ON ${sameMessage('h', 'u')}
       JOIN journeys j ON j.contact_id = h.contact_id AND j.id = h.journey_id`,
    keyParams(hops),
  );
  return state.rows;
}

/** Hops not needed any more are removed (never sent), each with an `escalation` log row saying why. */
export async function cancelHops(db: Pick<Db, 'query'>, cancel: (MessageKey & { reason: string })[], now: Date): Promise<void> {
  if (cancel.length) {
    await db.query(
      `WITH gone AS (DELETE FROM messages m USING ${keyedUnnest('reason', 'text')}
                      WHERE ${sameMessage('m', 'u')} AND m.status = 'queued'
                     RETURNING m.id, m.journey_id, m.contact_id, m.node_id, m.channel, m.escalation, u.reason)
       INSERT INTO journey_log (journey_id, contact_id, at, node_id, kind, detail)
       SELECT journey_id, contact_id, $5, node_id, 'escalation', jsonb_build_object(
                'messageId', id, 'channel', channel, 'hop', (escalation->>'hop')::int, 'status', 'cancelled', 'reason', reason,
                'explanation', 'escalation to ' || channel || ' not sent: ' ||
                  CASE reason WHEN 'clicked' THEN 'the contact clicked' WHEN 'opened' THEN 'the contact opened the message'
                              ELSE 'the journey ended' END)
         FROM gone`,
      [...keyedRows(cancel, (c) => c.reason), now],
    );
  }
}

/** Hops held by quiet hours wait until `until`, each with an `escalation` log row. */
export async function holdHops(db: Pick<Db, 'query'>, hold: (MessageKey & { until: Date })[], now: Date): Promise<void> {
  if (hold.length) {
    await db.query(
      `WITH held AS (UPDATE messages m SET next_attempt_at = u.until FROM ${keyedUnnest('until', 'timestamptz')}
                      WHERE ${sameMessage('m', 'u')}
                     RETURNING m.id, m.journey_id, m.contact_id, m.node_id, m.channel, u.until)
       INSERT INTO journey_log (journey_id, contact_id, at, node_id, kind, detail)
       SELECT journey_id, contact_id, $5, node_id, 'escalation', jsonb_build_object('messageId', id, 'channel', channel, 'status', 'held',
                'until', until, 'explanation', 'escalation held by quiet hours until ' || until)
         FROM held`,
      [...keyedRows(hold, (h) => h.until), now],
    );
  }
}

/** Queues escalation hops (a repeated key is ignored) and logs the ones created; returns their ids. */
export async function insertHops(
  tx: Tx,
  rows: unknown[][],
  logs: { journeyId: string; contactId: string; nodeId: string; detail: Record<string, unknown> }[],
  now: Date,
): Promise<Set<string>> {
  if (!rows.length) return new Set();
  const inserted = await insertKeyedMessages(tx, rows, {
    id: `(u->>0)::uuid`,
    ...outboxColumns,
    escalation: `u->11`,
    created_at: `(u->>12)::timestamptz`,
  });
  const created = new Set(inserted);
  const fresh = logs.filter((l) => created.has(l.detail.messageId as string));
  if (fresh.length) {
    await tx.query(
      `INSERT INTO journey_log (journey_id, contact_id, at, node_id, kind, detail)
       SELECT u.journey_id, u.contact_id, $4, u.node_id, 'escalation', u.detail
         FROM unnest($1::uuid[], $2::text[], $3::jsonb[], $5::bigint[]) AS u(journey_id, node_id, detail, contact_id)`,
      [
        fresh.map((l) => l.journeyId),
        fresh.map((l) => l.nodeId),
        fresh.map((l) => JSON.stringify(l.detail)),
        now,
        fresh.map((l) => l.contactId),
      ],
    );
  }
  return created;
}

/**
 * Messages that came due inside the contact's quiet hours wait until the window opens: next_attempt_at moves, the
 * attempt is not counted, and the journey log says why.
 */
export async function holdForQuietHours(tx: Tx, hold: (MessageKey & { until: Date })[], now: Date): Promise<void> {
  await tx.query(
    `WITH held AS (UPDATE messages m SET next_attempt_at = u.until FROM ${keyedUnnest('until', 'timestamptz')}
                    WHERE ${sameMessage('m', 'u')} AND m.status = 'queued'
                   RETURNING m.id, m.journey_id, m.node_id, m.channel, m.contact_id, u.until)
     INSERT INTO journey_log (journey_id, contact_id, at, node_id, kind, detail)
     SELECT h.journey_id, h.contact_id, $5, h.node_id, 'guardrail', jsonb_build_object('messageId', h.id, 'channel', h.channel,
              'reason', 'quiet_hours', 'until', h.until, 'atSend', true,
              'explanation', 'quiet hours in ' || COALESCE(c.timezone, 'UTC') || ' at send time: held until ' || h.until)
       FROM held h JOIN contacts c ON c.id = h.contact_id`,
    [...keyedRows(hold, (h) => h.until), now],
  );
}
