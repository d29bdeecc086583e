/** Message ids: sha1 by `node:crypto`, the core's one Node built-in, kept out of what the editor bundles. */
import { createHash } from 'node:crypto';

/** A deterministic UUID (v5 layout, sha1) for a message from its idempotency key. */
export function messageIdFor(idempotencyKey: string): string {
  const h = createHash('sha1').update(`boomerang:message:${idempotencyKey}`).digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
