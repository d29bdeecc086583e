/**
 * How a message leaves Boomerang. One adapter per channel (the channels issue adds SMTP, push, SMS, webhook); the
 * sandbox adapter is the default. Adapters must be idempotent by `idempotencyKey`: after a crash the dispatcher sends
 * the same key again.
 */
import type { ChannelKind, RenderedContent } from '../../core/types';

export interface OutgoingMessage {
  messageId: string;
  idempotencyKey: string;
  channel: ChannelKind;
  /** the address from the contact's attributes (email, phone, pushToken), if any */
  to: string | null;
  content: RenderedContent;
}

export interface SendReceipt {
  providerId: string;
  /** `delivered` when the provider confirms delivery synchronously (the sandbox does); default `sent` */
  status?: 'sent' | 'delivered';
}

export interface ChannelAdapter {
  readonly name: string;
  send(message: OutgoingMessage): Promise<SendReceipt>;
}

/** Throw this for failures that will not get better with retries (bad address, rejected content). */
export class PermanentSendError extends Error {
  readonly permanent = true;
}

/** Any other error is retried with backoff; this class only makes intent explicit. */
export class RetryableSendError extends Error {
  readonly permanent = false;
}

export function isPermanent(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { permanent?: unknown }).permanent === true;
}

export type ChannelAdapters = Partial<Record<ChannelKind, ChannelAdapter>> & { default: ChannelAdapter };
