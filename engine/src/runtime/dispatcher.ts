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
import { addressOf, flowQuietHoursOf, hasConsent, quietHoursForFlow, sendHoldUntil } from '../core/guardrails';
import type { SendRateLimit } from '../core/rate-limits';
import type { ChannelKind, EngineSettings } from '../core/types';
import { checkout, type Db, type Tx } from './db';
import { queueNextHops, screenDueHops } from './escalation';
import {
  claimDueMessages,
  holdForQuietHours,
  recordDeliveries,
  type DeliveryOutcome,
  type DueMessage,
  type MessageKey,
} from './store/messages';
import { returnPermits, takePermits } from './store/rate-limits';
import { loadEngineSettings, type SubscriptionLinkOptions } from './settings';
import { subscriptionLinkToken } from '../core/link-token';
import { effectiveRateLimits } from '../core/rate-limits';
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
  /** the key and lifetime of the signed unsubscribe link (`List-Unsubscribe`, escalation hops) */
  subscriptionLinks?: SubscriptionLinkOptions;
  /**
   * claim the next chunk while one is with the providers (default true). Off when every "transaction" shares one
   * connection (the simulator's savepoints): overlapping transactions cannot nest there.
   */
  pipelined?: boolean;
  /**
   * provider rate limits from SEND_RATE_LIMITS: when given they win over the workspace settings' `sendRateLimits`; a
   * limited channel's messages are claimed only as permits allow
   */
  rateLimits?: SendRateLimit[];
  /** claim per contact bucket (a database sharded by contact: store/buckets.ts) */
  claimByBucket?: boolean;
}

export const defaultDispatchOptions: Omit<DispatchOptions, 'adapters'> = {
  // a round is four pipelined chunks of 500: chunks of 125 (a round of 500) measured half the sandbox throughput
  // (bench:engine 20k: 1,453 → 5,279 messages/s) for the same push figure against a loopback provider
  batchSize: 2000,
  maxAttempts: 5,
  backoffMs: 60_000,
  concurrency: 32,
};

export interface DispatchResult {
  claimed: number;
  sent: number;
  retried: number;
  failed: number;
}

export function backoffDelay(attempt: number, baseMs: number): number {
  return baseMs * 2 ** Math.max(0, attempt - 1);
}

/**
 * One dispatch round at `now`: up to `batchSize` messages, in pipelined chunks (see the header). Rate-limited
 * channels go after the others, each claiming only as many of its due messages as its permits allow.
 */
export async function dispatchOnce(db: Db, now: Date, options: DispatchOptions, tickSettings?: EngineSettings): Promise<DispatchResult> {
  const settings = tickSettings ?? (await loadEngineSettings(db, options.publicUrl, options.subscriptionLinks));
  const { limits } = effectiveRateLimits(options.rateLimits, settings.sendRateLimits);
  const limited = [...new Set(limits.map((l) => l.channel))];
  const { claimed, sent, retried, failed } = await dispatchChunks(
    db,
    now,
    options,
    settings,
    options.batchSize,
    limited.length ? { except: limited } : {},
  );
  const result: DispatchResult = { claimed, sent, retried, failed };
  for (const channel of limited) {
    const permits = await takePermits(db, limits, channel, now, options.batchSize);
    if (!permits.granted) continue;
    const round = await dispatchChunks(db, now, options, settings, permits.granted, { only: channel });
    // what went to no provider (held for quiet hours, screened out, consent or topic withdrawn) gives its permit back
    await returnPermits(db, limits, channel, permits, permits.granted - (round.sent + round.retried + round.failed - round.refused));
    result.claimed += round.claimed;
    result.sent += round.sent;
    result.retried += round.retried;
    result.failed += round.failed;
  }
  return result;
}

async function dispatchChunks(
  db: Db,
  now: Date,
  options: DispatchOptions,
  settings: EngineSettings,
  batchSize: number,
  channels: { only?: ChannelKind; except?: ChannelKind[] },
): Promise<DispatchResult & { refused: number }> {
  const result = { claimed: 0, sent: 0, retried: 0, failed: 0, refused: 0 };
  const chunk = Math.max(1, Math.min(batchSize, Math.ceil(batchSize / 4), 500));
  let failure: unknown = null;
  const open = async (limit: number): Promise<{ tx: Tx; rows: DueMessage[] }> => {
    const tx = await checkout(db);
    try {
      await tx.query('BEGIN');
      return { tx, rows: await claimDueMessages(tx, now, limit, channels, options.claimByBucket) };
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
  let next: Promise<{ tx: Tx; rows: DueMessage[] } | null> = prefetch(Math.min(chunk, batchSize));
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
      const more = rows.length === chunk && result.claimed < batchSize;
      if (more && options.pipelined !== false) next = prefetch(Math.min(chunk, batchSize - result.claimed));
      let toSend: DueMessage[];
      let outcomes: DeliveryOutcome[];
      try {
        // escalation hops that came due: still needed (nothing clicked, journey going on) and outside quiet hours?
        const hops = rows.filter((m) => m.escalation);
        const going = hops.length ? await screenDueHops(tx, hops, now, settings) : null;
        const screened = going ? rows.filter((m) => !m.escalation || going.has(m.id)) : rows;
        // quiet hours again at send time: a retry or a backlog can come due inside them (hops were screened above)
        const hold = screened
          .filter((m) => !m.escalation)
          .map((m) => ({
            id: m.id,
            contact_id: m.contact_id,
            created_at: m.created_at,
            until: sendHoldUntil(m.channel, now, m.timezone, quietHoursForFlow(settings.quietHours, flowQuietHoursOf(m.flow_quiet_hours))),
          }))
          .filter((h): h is MessageKey & { until: Date } => h.until !== null);
        if (hold.length) await holdForQuietHours(tx, hold, now);
        const held = new Set(hold.map((h) => h.id));
        toSend = held.size ? screened.filter((m) => !held.has(m.id)) : screened;
        outcomes = await sendAll(toSend, now, options, settings);
      } catch (error) {
        await abort(tx);
        throw error;
      }
      for (const o of outcomes) {
        if (refusedBeforeProvider.has(o)) result.refused++;
        if (o.status === 'failed') result.failed++;
        else if (o.status === 'queued') result.retried++;
        else result.sent++;
      }
      committing = committing.then(async () => {
        if (failure) return abort(tx);
        try {
          await record(tx, now, toSend, outcomes, settings);
          await tx.query('COMMIT');
          tx.release();
        } catch (error) {
          failure ??= error;
          await abort(tx);
        }
      });
      if (more && options.pipelined === false) {
        await committing;
        if (!failure) next = open(Math.min(chunk, batchSize - result.claimed));
      }
    }
  } finally {
    const pending = await next.catch(() => null);
    if (pending) await abort(pending.tx);
    await committing;
  }
  if (failure) throw failure;
  return result;
}

async function abort(tx: Tx): Promise<void> {
  await tx.query('ROLLBACK').catch(() => undefined);
  tx.release();
}

async function sendAll(rows: DueMessage[], now: Date, options: DispatchOptions, settings: EngineSettings): Promise<DeliveryOutcome[]> {
  const outcomes: DeliveryOutcome[] = [];
  let i = 0;
  const worker = async () => {
    while (i < rows.length) {
      const m = rows[i++];
      outcomes.push(await sendOne(m, now, options, settings));
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, rows.length) }, worker));
  return outcomes;
}

/** Status, provider id, attempt, backoff or dead state and one `delivery` log row per attempt; then the next escalation hops. */
async function record(tx: Tx, now: Date, sent: DueMessage[], outcomes: DeliveryOutcome[], settings: EngineSettings): Promise<void> {
  if (!outcomes.length) return;
  await recordDeliveries(tx, now, sent, outcomes);
  const byId = new Map(sent.map((m) => [m.id, m]));
  const finished = outcomes
    .filter((o): o is DeliveryOutcome & { status: 'sent' | 'delivered' | 'failed' } => o.status !== 'queued')
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

/** Outcomes decided before any provider was asked (consent or topic withdrawn): they use no rate-limit permit. */
const refusedBeforeProvider = new WeakSet<DeliveryOutcome>();
function refused(outcome: DeliveryOutcome): DeliveryOutcome {
  refusedBeforeProvider.add(outcome);
  return outcome;
}

async function sendOne(m: DueMessage, now: Date, options: DispatchOptions, settings: EngineSettings): Promise<DeliveryOutcome> {
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
    return refused({ ...base, status: 'failed', providerId: null, error, nextAttemptAt: null, segments: null });
  }
  // and the subscription topic: leaving it on the preference page stops its queued messages
  if (m.topic_allowed === false) {
    const error = `not sent: the contact left the topic "${m.topic}" on ${m.channel} after the message was queued`;
    return refused({ ...base, status: 'failed', providerId: null, error, nextAttemptAt: null, segments: null });
  }
  try {
    const receipt = await adapter.send({
      messageId: m.id,
      idempotencyKey: m.idempotency_key,
      channel: m.channel,
      to,
      content: m.content,
      attributes: m.attributes ?? {},
      unsubscribeUrl: `${settings.publicUrl.replace(/\/+$/, '')}/t/u/${subscriptionLinkToken(settings.subscriptionLinks, m.id, now)}`,
    });
    const segments = receipt.segments ?? null;
    return { ...base, status: receipt.status ?? 'sent', providerId: receipt.providerId, error: null, nextAttemptAt: null, segments };
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).slice(0, 1000);
    if (isPermanent(error) || m.attempts >= options.maxAttempts) {
      const clearAttribute = isPermanent(error) ? (clearAttributeOf(error) ?? null) : null;
      const hardBounce = isPermanent(error) && isHardBounce(error);
      return {
        ...base,
        status: 'failed',
        providerId: null,
        error: message,
        nextAttemptAt: null,
        segments: null,
        clearAttribute,
        hardBounce,
      };
    }
    // the dispatcher's backoff, or longer when the provider asked for it (429/503 Retry-After)
    const delay = Math.max(backoffDelay(m.attempts, options.backoffMs), retryAfterOf(error) ?? 0);
    const next = new Date(now.getTime() + delay);
    return { ...base, status: 'queued', providerId: null, error: message, nextAttemptAt: next, segments: null };
  }
}
