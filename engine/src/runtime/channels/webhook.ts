import { createHmac } from 'node:crypto';
import type { ChannelAdapter, OutgoingMessage, SendReceipt } from './adapter';
import { parseAllowedNetworks } from '../../core/destination';
import { PermanentSendError } from './adapter';
import { assertOk, HttpPool } from './http';

export interface WebhookAdapterOptions {
  /**
   * a destination-guarded pool shared with Web Push (`HttpPool` with `guard`); else its own, guarded by
   * `allowNetworks`
   */
  pool?: HttpPool;
  /** CIDR networks receivers may live in besides public addresses (`WEBHOOK_ALLOW_NETWORKS`) */
  allowNetworks?: readonly string[];
  secret: string;
  timeoutMs: number;
  /** seconds since the epoch (tests pin it) */
  nowSeconds?: () => number;
}

/**
 * `X-Boomerang-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>` — the receiver recomputes it
 * over the raw body and rejects old timestamps (replays).
 */
export function webhookSignature(secret: string, timestamp: number, body: string): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},v1=${mac}`;
}

/**
 * JSON POST to the node's `url`. The rendered `body` is sent as is when it is JSON, else wrapped as `{"text": body}`;
 * the message id and idempotency key travel as headers.
 */
export class WebhookAdapter implements ChannelAdapter {
  readonly name = 'webhook';
  readonly mode = 'live' as const;
  private readonly pool: HttpPool;
  private readonly ownsPool: boolean;
  constructor(private readonly options: WebhookAdapterOptions) {
    this.ownsPool = !options.pool;
    this.pool =
      options.pool ?? new HttpPool({ timeoutMs: options.timeoutMs, guard: { allow: parseAllowedNetworks(options.allowNetworks) } });
  }

  async send(message: OutgoingMessage): Promise<SendReceipt> {
    const url = message.content.url;
    if (!url || !/^https?:\/\//i.test(url)) throw new PermanentSendError('webhook url is missing or not http(s)');
    const body = jsonBody(message.content.body);
    const timestamp = this.options.nowSeconds?.() ?? Math.floor(Date.now() / 1000);
    const res = await this.pool.request(url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'User-Agent': 'Boomerang-Webhook/1',
        'Idempotency-Key': message.idempotencyKey,
        'X-Boomerang-Message-Id': message.messageId,
        'X-Boomerang-Timestamp': String(timestamp),
        'X-Boomerang-Signature': webhookSignature(this.options.secret, timestamp, body),
      },
      body,
    });
    assertOk(res, `webhook ${new URL(url).origin}`);
    return { providerId: `webhook:${message.messageId}`, status: 'delivered' };
  }

  async close(): Promise<void> {
    if (this.ownsPool) await this.pool.close();
  }
}

function jsonBody(text: string | undefined): string {
  if (text !== undefined && text.trim() !== '') {
    try {
      JSON.parse(text);
      return text;
    } catch {
      // not JSON: wrapped below
    }
  }
  return JSON.stringify({ text: text ?? '' });
}
