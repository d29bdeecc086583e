import webpush from 'web-push';
import { parseAllowedNetworks } from '../../core/destination';
import { webPushAttribute } from '../../core/guardrails/choose-channel';
import type { ChannelAdapter, OutgoingMessage, SendReceipt } from './adapter';
import { PermanentSendError, trackingLinks } from './adapter';
import { assertOk, HttpPool } from './http';

/** The contact attribute holding a browser's Push API subscription (`PushSubscription.toJSON()`). */
export const WEB_PUSH_ATTRIBUTE = webPushAttribute;

export interface WebPushSubscription {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

export interface PushAdapterOptions {
  /** a pool shared with the other HTTP adapters (one keep-alive pool per origin for the process); else its own */
  pool?: HttpPool;
  /**
   * the pool of Web Push requests: the endpoint comes from a contact attribute, so it must be destination-guarded
   * (`HttpPool` with `guard`); else its own, guarded by `allowNetworks`
   */
  webPushPool?: HttpPool;
  /** CIDR networks Web Push endpoints may live in besides public addresses (`WEBHOOK_ALLOW_NETWORKS`) */
  allowNetworks?: readonly string[];
  publicUrl: string;
  timeoutMs: number;
  /** FCM HTTP v1 `messages:send` URL and OAuth bearer; absent → only Web Push */
  fcm?: { url: string; token: string };
  /** VAPID keys; absent → only FCM */
  vapid?: { publicKey: string; privateKey: string; subject: string };
  /** seconds a push service keeps an undelivered Web Push message */
  ttlSeconds?: number;
}

export function webPushSubscriptionOf(attributes: Record<string, unknown> | undefined): WebPushSubscription | null {
  const v = attributes?.[WEB_PUSH_ATTRIBUTE] as Partial<WebPushSubscription> | undefined;
  if (!v || typeof v !== 'object' || typeof v.endpoint !== 'string' || !/^https?:\/\//.test(v.endpoint)) return null;
  if (typeof v.keys?.p256dh !== 'string' || typeof v.keys?.auth !== 'string') return null;
  return v as WebPushSubscription;
}

/**
 * App push through FCM's HTTP v1 request shape (`{message:{token, notification, data}}`, bearer token) to the
 * contact's `pushToken`; browser push through Web Push (RFC 8030/8291, VAPID) to the subscription in the contact's
 * `webPush` attribute when there is no token. The click link is the tracked `/t/c/:id` when the template has a
 * `url`. An unregistered token (FCM 404/`UNREGISTERED`) or an expired subscription (404/410) is permanent and the
 * dispatcher removes the attribute.
 */
export class PushAdapter implements ChannelAdapter {
  readonly name = 'push';
  readonly mode = 'live' as const;
  private readonly pool: HttpPool;
  private readonly ownsPool: boolean;
  private readonly webPushPool: HttpPool;
  private readonly ownsWebPushPool: boolean;
  constructor(private readonly options: PushAdapterOptions) {
    this.ownsPool = !options.pool;
    this.pool = options.pool ?? new HttpPool({ timeoutMs: options.timeoutMs });
    this.ownsWebPushPool = !options.webPushPool;
    this.webPushPool =
      options.webPushPool ?? new HttpPool({ timeoutMs: options.timeoutMs, guard: { allow: parseAllowedNetworks(options.allowNetworks) } });
  }

  async send(message: OutgoingMessage): Promise<SendReceipt> {
    const token = typeof message.attributes?.pushToken === 'string' && message.attributes.pushToken ? message.attributes.pushToken : null;
    const subscription = webPushSubscriptionOf(message.attributes);
    if (token && this.options.fcm) return this.sendFcm(message, token, this.options.fcm);
    if (subscription && this.options.vapid) return this.sendWebPush(message, subscription, this.options.vapid);
    throw new PermanentSendError(
      token
        ? 'the contact has only a pushToken and FCM (PUSH_URL) is not configured'
        : 'the contact has no pushToken or Web Push subscription',
    );
  }

  private payload(message: OutgoingMessage): { title: string; body: string; data: Record<string, string> } {
    const c = message.content;
    const data: Record<string, string> = { messageId: message.messageId };
    if (c.url) data.url = trackingLinks(this.options.publicUrl, message.messageId).click;
    return { title: c.title ?? '', body: c.body ?? '', data };
  }

  private async sendFcm(message: OutgoingMessage, token: string, fcm: { url: string; token: string }): Promise<SendReceipt> {
    const p = this.payload(message);
    const body = JSON.stringify({ message: { token, notification: { title: p.title, body: p.body }, data: p.data } });
    const res = await this.pool.request(fcm.url, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${fcm.token}`,
        'Content-Type': 'application/json; charset=utf-8',
        'Idempotency-Key': message.idempotencyKey,
      },
      body,
    });
    if (res.status === 404 || (res.status === 400 && /UNREGISTERED|registration token is not a valid/i.test(res.body))) {
      throw new PermanentSendError(`push token is unregistered (FCM ${res.status})`, { clearAttribute: 'pushToken' });
    }
    assertOk(res, 'push provider');
    let name: string | undefined;
    try {
      name = (JSON.parse(res.body) as { name?: string }).name;
    } catch {
      name = undefined;
    }
    return { providerId: name ?? `push:${message.messageId}`, status: 'sent' };
  }

  private async sendWebPush(
    message: OutgoingMessage,
    subscription: WebPushSubscription,
    vapid: NonNullable<PushAdapterOptions['vapid']>,
  ): Promise<SendReceipt> {
    const p = this.payload(message);
    const details = webpush.generateRequestDetails(subscription, JSON.stringify({ title: p.title, body: p.body, ...p.data }), {
      vapidDetails: vapid,
      TTL: this.options.ttlSeconds ?? 24 * 3600,
      headers: { Topic: message.messageId.replace(/-/g, '').slice(0, 32) },
    });
    const res = await this.webPushPool.request(details.endpoint, {
      method: details.method,
      headers: details.headers as Record<string, string>,
      body: (details.body as Buffer | null) ?? undefined,
    });
    if (res.status === 404 || res.status === 410) {
      throw new PermanentSendError(`Web Push subscription expired (${res.status})`, { clearAttribute: WEB_PUSH_ATTRIBUTE });
    }
    assertOk(res, 'Web Push service');
    return { providerId: String(res.headers.location ?? `webpush:${message.messageId}`), status: 'sent' };
  }

  async close(): Promise<void> {
    if (this.ownsPool) await this.pool.close();
    if (this.ownsWebPushPool) await this.webPushPool.close();
  }
}
