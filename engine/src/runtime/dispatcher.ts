/**
 * The outbox dispatcher, chunk by chunk, each chunk ONE transaction: claim (`SELECT … FOR UPDATE SKIP LOCKED`: due
 * queued messages of active flows, locked so no other process takes them), send while holding the row locks (never a
 * database round trip per message; adapters have timeouts), record (status, provider id, attempt, backoff or dead
 * state, one `delivery` journey_log row per attempt, the next escalation hops) and COMMIT. One write per message
 * (a lease written at claim time doubled the write work of the outbox). A process killed anywhere before COMMIT
 * rolls back: the rows are unlocked and sent again with the same idempotency key, so adapters hand the key to the
 * provider to deduplicate. Chunks are pipelined: the next chunk is claimed while one is with the providers and the
 * previous one commits, each on its own pooled connection.
 */
import { addressOf, hasConsent, sendHoldUntil } from '../core/guardrails';
import type { ChannelKind, RenderedContent } from '../core/types';
import { checkout, type Db, type Tx } from './db';
import type { EngineSettings } from '../core/types';
import { queueNextHops, screenDueHops, type EscalationInfo } from './escalation';
import { loadEngineSettings } from './settings';
import { clearAttributeOf, isHardBounce, isPermanent, retryAfterOf, type ChannelAdapters } from './channels/adapter';

export interface DispatchOptions {
  adapters: ChannelAdapters;
  batchSize: number;
  maxAttempts: number;
  /** first retry delay, doubled per attempt */
  backoffMs: number;
  concurrency: number;
  /** base of tracking links in escalation hops (the engine's PUBLIC_URL) */
  publicUrl?: string;
}

export const defaultDispatchOptions: Omit<DispatchOptions, 'adapters'> = {
  batchSize: 500,
  maxAttempts: 5,
  backoffMs: 60_000,
  concurrency: 32,
};

interface Claimed {
  id: string;
  contact_id: string;
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
  escalation: EscalationInfo | null;
  external_id: string;
  timezone: string | null;
}

interface Outcome {
  id: string;
  journeyId: string;
  nodeId: string;
  status: 'queued' | 'sent' | 'delivered' | 'failed';
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

export interface DispatchResult {
  claimed: number;
  sent: number;
  retried: number;
  failed: number;
}

export function backoffDelay(attempt: number, baseMs: number): number {
  return baseMs * 2 ** Math.max(0, attempt - 1);
}

/** One dispatch round at `now`: up to `batchSize` messages, in pipelined chunks (see the header). */
export async function dispatchOnce(db: Db, now: Date, options: DispatchOptions): Promise<DispatchResult> {
  const result: DispatchResult = { claimed: 0, sent: 0, retried: 0, failed: 0 };
  const chunk = Math.max(1, Math.min(options.batchSize, Math.ceil(options.batchSize / 4), 500));
  let settings: EngineSettings | null = null;
  let failure: unknown = null;
  const open = async (limit: number): Promise<{ tx: Tx; rows: Claimed[] }> => {
    const tx = await checkout(db);
    try {
      await tx.query('BEGIN');
      return { tx, rows: await claim(tx, now, limit) };
    } catch (error) {
      await abort(tx);
      throw error;
    }
  };
  // the next chunk's claim runs while this one is with the providers and is awaited only later: marked handled at
  // once, or a failure in between (PostgreSQL restarting: ECONNREFUSED) is an unhandled rejection that ends the process
  const prefetch = (limit: number) => {
    const claimed = open(limit);
    claimed.catch(() => undefined);
    return claimed;
  };
  let next: Promise<{ tx: Tx; rows: Claimed[] } | null> = prefetch(Math.min(chunk, options.batchSize));
  let committing: Promise<void> = Promise.resolve();
  try {
    while (!failure) {
      const current = await next;
      next = Promise.resolve(null);
      if (!current) break;
      const { tx, rows } = current;
      if (!rows.length) {
        await abort(tx);
        break;
      }
      result.claimed += rows.length;
      if (rows.length === chunk && result.claimed < options.batchSize) next = prefetch(Math.min(chunk, options.batchSize - result.claimed));
      let toSend: Claimed[];
      let outcomes: Outcome[];
      try {
        settings ??= await loadEngineSettings(db, options.publicUrl);
        // escalation hops that came due: still needed (nothing clicked, journey going on) and outside quiet hours?
        const hops = rows.filter((m) => m.escalation);
        const going = hops.length ? await screenDueHops(tx, hops, now, settings) : null;
        const screened = going ? rows.filter((m) => !m.escalation || going.has(m.id)) : rows;
        // quiet hours again at send time: a retry or a backlog can come due inside them (hops were screened above)
        const held = await holdForQuietHours(tx, screened.filter((m) => !m.escalation), now, settings);
        toSend = held.size ? screened.filter((m) => !held.has(m.id)) : screened;
        outcomes = await sendAll(toSend, now, options);
      } catch (error) {
        await abort(tx);
        throw error;
      }
      for (const o of outcomes) {
        if (o.status === 'failed') result.failed++;
        else if (o.status === 'queued') result.retried++;
        else result.sent++;
      }
      const s = settings;
      committing = committing.then(async () => {
        if (failure) return abort(tx);
        try {
          await record(tx, now, toSend, outcomes, s);
          await tx.query('COMMIT');
          tx.release();
        } catch (error) {
          failure ??= error;
          await abort(tx);
        }
      });
    }
  } finally {
    const pending = await next.catch(() => null);
    if (pending) await abort(pending.tx);
    await committing;
  }
  if (failure) throw failure;
  return result;
}

/**
 * Messages that came due inside the contact's quiet hours wait until the window opens: next_attempt_at moves, the
 * attempt is not counted, and the journey log says why. Returns the ids held.
 */
async function holdForQuietHours(tx: Tx, rows: Claimed[], now: Date, settings: EngineSettings): Promise<Set<string>> {
  const hold = rows
    .map((m) => ({ m, until: sendHoldUntil(m.channel, now, m.timezone, settings.quietHours) }))
    .filter((h): h is { m: Claimed; until: Date } => h.until !== null);
  if (!hold.length) return new Set();
  await tx.query(
    `WITH held AS (UPDATE messages m SET next_attempt_at = u.until
                     FROM unnest($1::uuid[], $2::timestamptz[]) AS u(id, until) WHERE m.id = u.id AND m.status = 'queued'
                   RETURNING m.id, m.journey_id, m.node_id, m.channel, m.contact_id, u.until)
     INSERT INTO journey_log (journey_id, at, node_id, kind, detail)
     SELECT h.journey_id, $3, h.node_id, 'guardrail', jsonb_build_object('messageId', h.id, 'channel', h.channel,
              'reason', 'quiet_hours', 'until', h.until, 'atSend', true,
              'explanation', 'quiet hours in ' || COALESCE(c.timezone, 'UTC') || ' at send time: held until ' || h.until)
       FROM held h JOIN contacts c ON c.id = h.contact_id`,
    [hold.map((h) => h.m.id), hold.map((h) => h.until), now],
  );
  return new Set(hold.map((h) => h.m.id));
}

async function abort(tx: Tx): Promise<void> {
  await tx.query('ROLLBACK').catch(() => undefined);
  tx.release();
}

async function sendAll(rows: Claimed[], now: Date, options: DispatchOptions): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  let i = 0;
  const worker = async () => {
    while (i < rows.length) {
      const m = rows[i++];
      outcomes.push(await sendOne(m, now, options));
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, rows.length) }, worker));
  return outcomes;
}

async function claim(tx: Tx, now: Date, limit: number): Promise<Claimed[]> {
  const claimed = await tx.query<Claimed>(
    `SELECT q.id, q.contact_id::text, q.idempotency_key, q.journey_id, q.node_id, q.channel, q.content, q.attempts + 1 AS attempts,
            c.attributes, c.consent, q.flow_id, q.flow_version, q.escalation, c.external_id, c.timezone
       FROM messages q JOIN contacts c ON c.id = q.contact_id
      -- active flows as an InitPlan array: the outbox index is walked in due order and the LIMIT stops it
      -- (a join to flows made the planner hash and sort every queued message per round)
      WHERE q.status = 'queued' AND q.next_attempt_at <= $2
        AND q.flow_id = ANY (ARRAY(SELECT f.id FROM flows f WHERE f.status = 'active'))
      ORDER BY q.next_attempt_at LIMIT $1 FOR UPDATE OF q SKIP LOCKED`,
    [limit, now],
  );
  return claimed.rows;
}

/** Status, provider id, attempt, backoff or dead state and one `delivery` log row per attempt; then the next escalation hops. */
async function record(tx: Tx, now: Date, sent: Claimed[], outcomes: Outcome[], settings: EngineSettings): Promise<void> {
  if (!outcomes.length) return;
  {
    await tx.query(
      `UPDATE messages m SET status = u.status, provider_id = COALESCE(u.provider_id, m.provider_id), last_error = u.error,
              next_attempt_at = u.next_attempt_at,
              sent_at = CASE WHEN u.status IN ('sent', 'delivered') THEN COALESCE(m.sent_at, $8::timestamptz) ELSE m.sent_at END,
              delivered_at = CASE WHEN u.status = 'delivered' THEN COALESCE(m.delivered_at, $8::timestamptz) ELSE m.delivered_at END,
              failed_at = CASE WHEN u.status = 'failed' THEN $8::timestamptz ELSE m.failed_at END,
              attempts = u.attempt,
              segments = COALESCE(u.segments, m.segments)
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::int[], $7::text[], $9::int[])
              AS u(id, status, provider_id, error, next_attempt_at, attempt, adapter, segments)
        WHERE m.id = u.id AND m.status = 'queued' AND m.attempts = u.attempt - 1`,
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
      ],
    );
    const bounced = outcomes.filter((o) => o.hardBounce);
    if (bounced.length) {
      const channels = new Map(sent.map((m) => [m.id, m.channel]));
      await tx.query(
        `UPDATE contacts c SET consent = c.consent || jsonb_build_object(u.channel, false), updated_at = now()
           FROM unnest($1::bigint[], $2::text[]) AS u(id, channel) WHERE c.id = u.id`,
        [bounced.map((o) => o.contactId), bounced.map((o) => channels.get(o.id))],
      );
    }
    const cleared = outcomes.filter((o) => o.clearAttribute);
    if (cleared.length) {
      await tx.query(
        `UPDATE contacts c SET attributes = c.attributes - u.key, updated_at = now()
           FROM unnest($1::bigint[], $2::text[]) AS u(id, key) WHERE c.id = u.id`,
        [cleared.map((o) => o.contactId), cleared.map((o) => o.clearAttribute)],
      );
    }
    await tx.query(
      `INSERT INTO journey_log (journey_id, at, node_id, kind, detail)
       SELECT u.journey_id, $4::timestamptz, u.node_id, 'delivery', u.detail
         FROM unnest($1::uuid[], $2::text[], $3::jsonb[]) AS u(journey_id, node_id, detail)`,
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
      ],
    );
    const byId = new Map(sent.map((m) => [m.id, m]));
    const finished = outcomes
      .filter((o): o is Outcome & { status: 'sent' | 'delivered' | 'failed' } => o.status !== 'queued')
      .map((o) => {
        const m = byId.get(o.id)!;
        return {
          id: m.id,
          idempotencyKey: m.idempotency_key,
          journeyId: m.journey_id,
          flowId: m.flow_id,
          flowVersion: m.flow_version,
          contactId: m.contact_id,
          nodeId: m.node_id,
          channel: m.channel,
          status: o.status,
          escalation: m.escalation,
          externalId: m.external_id,
          timezone: m.timezone,
          attributes: m.attributes ?? {},
          consent: m.consent ?? {},
        };
      });
    if (finished.length) await queueNextHops(tx, finished, now, settings);
  }
}

async function sendOne(m: Claimed, now: Date, options: DispatchOptions): Promise<Outcome> {
  const adapter = options.adapters[m.channel] ?? options.adapters.default;
  // the same address the core checked when it chose the channel (webhooks have none)
  const to = addressOf(m.channel, m.attributes ?? {}) || null;
  const base = {
    id: m.id,
    journeyId: m.journey_id,
    nodeId: m.node_id,
    attempt: m.attempts,
    adapter: adapter.name,
    contactId: m.contact_id,
    clearAttribute: null,
  };
  // consent is checked again at send time: an unsubscribe stops messages already queued in every flow
  if (!hasConsent(m.channel, m.consent ?? {})) {
    const error = `not sent: the contact withdrew ${m.channel} consent (unsubscribed) after the message was queued`;
    return { ...base, status: 'failed', providerId: null, error, nextAttemptAt: null, segments: null };
  }
  try {
    const receipt = await adapter.send({
      messageId: m.id,
      idempotencyKey: m.idempotency_key,
      channel: m.channel,
      to,
      content: m.content,
      attributes: m.attributes ?? {},
    });
    const segments = receipt.segments ?? null;
    return { ...base, status: receipt.status ?? 'sent', providerId: receipt.providerId, error: null, nextAttemptAt: null, segments };
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).slice(0, 1000);
    if (isPermanent(error) || m.attempts >= options.maxAttempts) {
      const clearAttribute = isPermanent(error) ? (clearAttributeOf(error) ?? null) : null;
      const hardBounce = isPermanent(error) && isHardBounce(error);
      return { ...base, status: 'failed', providerId: null, error: message, nextAttemptAt: null, segments: null, clearAttribute, hardBounce };
    }
    // the dispatcher's backoff, or longer when the provider asked for it (429/503 Retry-After)
    const delay = Math.max(backoffDelay(m.attempts, options.backoffMs), retryAfterOf(error) ?? 0);
    const next = new Date(now.getTime() + delay);
    return { ...base, status: 'queued', providerId: null, error: message, nextAttemptAt: next, segments: null };
  }
}
