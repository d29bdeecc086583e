import type { ChannelAdapter, OutgoingMessage, SendReceipt } from './adapter';

/**
 * Sends nothing: the message counts as delivered at once and its rendered content stays in `messages.content`, so
 * `GET /api/messages` is the inbox. Idempotent by construction (the provider id is derived from the message id).
 */
export class SandboxAdapter implements ChannelAdapter {
  readonly name = 'sandbox';
  async send(message: OutgoingMessage): Promise<SendReceipt> {
    return { providerId: `sandbox:${message.messageId}`, status: 'delivered' };
  }
}
