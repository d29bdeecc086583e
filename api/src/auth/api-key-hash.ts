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
