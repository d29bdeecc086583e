import { createHash, randomBytes } from 'node:crypto';

/**
 * API keys are 32 random bytes, so a fast hash is enough (no dictionary to attack, unlike passwords);
 * it keeps the per-request check to one indexed lookup.
 */
export function hashApiKey(plaintext: string): string {
  return createHash('sha256').update(plaintext).digest('hex');
}

export function generateApiKey(): string {
  return `bk_${randomBytes(32).toString('base64url')}`;
}

/**
 * What lists, the audit trail and logs show to tell keys apart. A generated key (`bk_` + 43 random characters) shows
 * its first 8 characters, which give away 5 of 256 bits; a key an operator chose (`API_KEY`, at least 16 characters)
 * could lose half of itself that way, so it shows a fingerprint of its hash instead (issue 20).
 */
export function apiKeyPrefix(plaintext: string): string {
  return /^bk_[A-Za-z0-9_-]{43}$/.test(plaintext) ? plaintext.slice(0, 8) : `#${hashApiKey(plaintext).slice(0, 7)}`;
}
