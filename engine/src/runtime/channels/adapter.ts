/**
 * How a message leaves Boomerang. One adapter per channel (`email.ts`, `push.ts`, `sms.ts`, `webhook.ts`); the
 * sandbox adapter stands in for any channel that is not configured. Adapters must be idempotent by
 * `idempotencyKey`: after a crash the dispatcher sends the same key again, so every adapter hands the key to its
 * provider (Message-ID, `Idempotency-Key` header) for the provider to deduplicate.
 */
import type { ChannelKind, RenderedContent } from '../../core/types';

export interface OutgoingMessage {
  messageId: string;
  idempotencyKey: string;
  channel: ChannelKind;
  /** the address from the contact's attributes (email, phone, pushToken or a Web Push endpoint), if any */
  to: string | null;
  content: RenderedContent;
  /** the contact's attributes (a Web Push subscription, locale…); adapters read only what they need */
  attributes?: Record<string, unknown>;
  /** the message's signed unsubscribe link (`core/link-token.ts`), for `List-Unsubscribe`; the dispatcher sets it */
  unsubscribeUrl?: string;
}

export interface SendReceipt {
  providerId: string;
  /** `delivered` when the provider confirms delivery synchronously (the sandbox does); default `sent` */
  status?: 'sent' | 'delivered';
  /** SMS: segments billed (stored on the message) */
  segments?: number;
}

export interface ChannelAdapter {
  readonly name: string;
  /** `live` talks to a provider; `sandbox` sends nothing */
  readonly mode?: 'live' | 'sandbox';
  send(message: OutgoingMessage): Promise<SendReceipt>;
  /** closes pooled connections */
  close?(): Promise<void>;
}

/** Throw this for failures that will not get better with retries (bad address, rejected content). */
export class PermanentSendError extends Error {
  readonly permanent = true;
  /** a contact attribute that is dead and must be removed (an unregistered push token, an expired subscription) */
  readonly clearAttribute?: string;
  /** the address bounced hard (the mailbox does not exist): the contact's consent for the channel is withdrawn */
  readonly hardBounce?: boolean;
  constructor(message: string, options: { clearAttribute?: string; hardBounce?: boolean } = {}) {
    super(message);
    this.clearAttribute = options.clearAttribute;
    this.hardBounce = options.hardBounce;
  }
}

/** Any other error is retried with backoff; this class only makes intent explicit and carries `Retry-After`. */
export class RetryableSendError extends Error {
  readonly permanent = false;
  /** the provider asked to wait at least this long (429/503 `Retry-After`) */
  readonly retryAfterMs?: number;
  constructor(message: string, options: { retryAfterMs?: number } = {}) {
    super(message);
    this.retryAfterMs = options.retryAfterMs;
  }
}

export function isPermanent(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { permanent?: unknown }).permanent === true;
}

export function retryAfterOf(error: unknown): number | undefined {
  const v = typeof error === 'object' && error !== null ? (error as { retryAfterMs?: unknown }).retryAfterMs : undefined;
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : undefined;
}

export function clearAttributeOf(error: unknown): string | undefined {
  const v = typeof error === 'object' && error !== null ? (error as { clearAttribute?: unknown }).clearAttribute : undefined;
  return typeof v === 'string' ? v : undefined;
}

export function isHardBounce(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { hardBounce?: unknown }).hardBounce === true;
}

export type ChannelAdapters = Partial<Record<ChannelKind, ChannelAdapter>> & { default: ChannelAdapter };

/** Click and open links of a message, as the core's `templateVariables` builds them (the unsubscribe link is signed). */
export function trackingLinks(publicUrl: string, messageId: string): { click: string; open: string } {
  const base = publicUrl.replace(/\/+$/, '');
  const id = encodeURIComponent(messageId);
  return { click: `${base}/t/c/${id}`, open: `${base}/t/o/${id}` };
}
