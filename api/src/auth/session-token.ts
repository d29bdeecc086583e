import { createHash, randomBytes } from 'node:crypto';

export const SESSION_COOKIE = 'boomerang_session';
export const SESSION_TTL_MS = 7 * 24 * 3600 * 1000;

/** `bs_` + 32 random bytes; the `bs_` prefix tells a session token from an API key (`bk_…` or any API_KEY). */
export function generateSessionToken(): string {
  return `bs_${randomBytes(32).toString('base64url')}`;
}

export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function isSessionToken(token: string): boolean {
  return token.startsWith('bs_');
}

/** The session cookie's value, if any (no cookie-parser dependency for one cookie). */
export function sessionCookie(header: string | undefined): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === SESSION_COOKIE) return decodeURIComponent(rest.join('='));
  }
  return undefined;
}
