import type { ChannelAdapter, OutgoingMessage, SendReceipt } from './adapter';
import { smsSegments } from '../../core/sms-segments';

/**
 * Sends nothing: the message counts as delivered at once and its rendered content stays in `messages.content`, so
 * `GET /api/messages` is the inbox. Idempotent by construction (the provider id is derived from the message id).
 */
export class SandboxAdapter implements ChannelAdapter {
  readonly name = 'sandbox';
  readonly mode = 'sandbox' as const;
  async send(message: OutgoingMessage): Promise<SendReceipt> {
    const segments = message.channel === 'sms' ? smsSegments(message.content.body ?? '').segments : undefined;
    return { providerId: `sandbox:${message.messageId}`, status: 'delivered', ...(segments ? { segments } : {}) };
  }
}
