import { smsSegments } from '../../core/sms-segments';
import type { ChannelAdapter, OutgoingMessage, SendReceipt } from './adapter';
import { PermanentSendError } from './adapter';
import { assertOk, HttpPool } from './http';

export interface SmsAdapterOptions {
  /** a pool shared with the other HTTP adapters (one keep-alive pool per origin for the process); else its own */
  pool?: HttpPool;
  url: string;
  account: string;
  token: string;
  from: string;
  timeoutMs: number;
}

/**
 * Twilio-style: `POST SMS_URL` with `application/x-www-form-urlencoded` `To`, `From`, `Body`, HTTP basic auth
 * `SMS_ACCOUNT:SMS_TOKEN`, the idempotency key as `Idempotency-Key` (Twilio's `I-Twilio-Idempotency-Token` too).
 * The provider's `sid` is the provider id; the segment count (GSM-7 or UCS-2) is returned for the message row.
 */
export class SmsAdapter implements ChannelAdapter {
  readonly name = 'sms';
  readonly mode = 'live' as const;
  private readonly pool: HttpPool;
  private readonly ownsPool: boolean;
  private readonly auth: string;
  constructor(private readonly options: SmsAdapterOptions) {
    this.ownsPool = !options.pool;
    this.pool = options.pool ?? new HttpPool({ timeoutMs: options.timeoutMs });
    this.auth = `Basic ${Buffer.from(`${options.account}:${options.token}`).toString('base64')}`;
  }

  async send(message: OutgoingMessage): Promise<SendReceipt> {
    if (!message.to) throw new PermanentSendError('the contact has no phone number');
    const text = message.content.body ?? '';
    if (!text) throw new PermanentSendError('the SMS body is empty');
    const form = new URLSearchParams({ To: message.to, From: this.options.from, Body: text }).toString();
    const res = await this.pool.request(this.options.url, {
      method: 'POST',
      headers: {
        Authorization: this.auth,
        'Content-Type': 'application/x-www-form-urlencoded',
        'Idempotency-Key': message.idempotencyKey,
        'I-Twilio-Idempotency-Token': message.idempotencyKey,
      },
      body: form,
    });
    assertOk(res, 'SMS provider');
    let sid: string | undefined;
    try {
      sid = (JSON.parse(res.body) as { sid?: string }).sid;
    } catch {
      sid = undefined;
    }
    return { providerId: sid ?? `sms:${message.messageId}`, status: 'sent', segments: smsSegments(text).segments };
  }

  async close(): Promise<void> {
    if (this.ownsPool) await this.pool.close();
  }
}
