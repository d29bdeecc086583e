/**
 * Signed subscription links (`{{links.unsubscribe}}`, `{{links.preferences}}`, `List-Unsubscribe`): the token names
 * one message (so one contact: the message's) and an expiry, signed with HMAC-SHA256 under the installation's link
 * key — the workspace's own secret, so a link from another installation never verifies here. Without a valid
 * signature nothing is looked up and nothing changes. `node:crypto`, like `message-id.ts`: kept out of what the
 * editor bundles (advance and the runtime sign; the API checks).
 *
 * Token: `<messageId>.<expiry, unix seconds in base 36>.<first 128 bits of the HMAC, base64url>`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface SubscriptionLinkKey {
  /** the HMAC key (LINK_SECRET, else the one generated into the database) */
  key: string;
  /** how long a link works after the message was queued */
  ttlDays: number;
}

const DAY_MS = 86_400_000;

function signature(key: string, messageId: string, expiry: string): string {
  return createHmac('sha256', key)
    .update(`boomerang:subscription-link:v1:${messageId}:${expiry}`)
    .digest()
    .subarray(0, 16)
    .toString('base64url');
}

/** The token of a message's subscription links; without a key (a preview) the bare message id, which never verifies. */
export function subscriptionLinkToken(signing: SubscriptionLinkKey | undefined, messageId: string, now: Date): string {
  if (!signing) return messageId;
  const expiry = Math.floor((now.getTime() + signing.ttlDays * DAY_MS) / 1000).toString(36);
  return `${messageId}.${expiry}.${signature(signing.key, messageId, expiry)}`;
}

export type SubscriptionLinkCheck =
  | { ok: true; messageId: string }
  /** not made with this key (tampered, another message's signature, unsigned) */
  | { ok: false; problem: 'forged' }
  /** authentic but past its expiry: the message is known, nothing is done with it */
  | { ok: false; problem: 'expired'; messageId: string };

const TOKEN = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.([0-9a-z]{1,12})\.([A-Za-z0-9_-]{22})$/;

export function checkSubscriptionLinkToken(key: string, token: string, now: Date): SubscriptionLinkCheck {
  const parts = TOKEN.exec(token);
  if (!parts) return { ok: false, problem: 'forged' };
  const [, messageId, expiry, given] = parts;
  const expected = Buffer.from(signature(key, messageId, expiry));
  const received = Buffer.from(given);
  if (expected.length !== received.length || !timingSafeEqual(expected, received)) return { ok: false, problem: 'forged' };
  if (parseInt(expiry, 36) * 1000 <= now.getTime()) return { ok: false, problem: 'expired', messageId };
  return { ok: true, messageId };
}
