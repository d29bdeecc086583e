import { checkSubscriptionLinkToken, subscriptionLinkToken } from './link-token';

const KEY = { key: 'k'.repeat(40), ttlDays: 30 };
const MESSAGE = '6f1c2d3e-4a5b-5c6d-8e7f-0a1b2c3d4e5f';
const OTHER = '00000000-0000-4000-8000-000000000000';
const SENT = new Date('2027-01-01T00:00:00Z');
const days = (n: number) => new Date(SENT.getTime() + n * 86_400_000);

describe('subscription link tokens', () => {
  const token = subscriptionLinkToken(KEY, MESSAGE, SENT);

  it('open their message until the expiry, and not after', () => {
    expect(token.startsWith(`${MESSAGE}.`)).toBe(true);
    expect(checkSubscriptionLinkToken(KEY.key, token, days(29))).toEqual({ ok: true, messageId: MESSAGE });
    expect(checkSubscriptionLinkToken(KEY.key, token, days(30))).toEqual({ ok: false, problem: 'expired', messageId: MESSAGE });
  });

  it('refuse another key, another message under this signature, a moved expiry and a changed signature', () => {
    const [, expiry, sig] = token.split('.');
    expect(checkSubscriptionLinkToken('x'.repeat(40), token, SENT).ok).toBe(false);
    expect(checkSubscriptionLinkToken(KEY.key, `${OTHER}.${expiry}.${sig}`, SENT)).toEqual({ ok: false, problem: 'forged' });
    const later = (parseInt(expiry, 36) + 86_400 * 365).toString(36);
    expect(checkSubscriptionLinkToken(KEY.key, `${MESSAGE}.${later}.${sig}`, SENT)).toEqual({ ok: false, problem: 'forged' });
    const flipped = `${sig.slice(0, -1)}${sig.endsWith('A') ? 'B' : 'A'}`;
    expect(checkSubscriptionLinkToken(KEY.key, `${MESSAGE}.${expiry}.${flipped}`, SENT)).toEqual({ ok: false, problem: 'forged' });
  });

  it('refuse the bare message id (a preview link, or a link from before signing) and garbage', () => {
    expect(subscriptionLinkToken(undefined, MESSAGE, SENT)).toBe(MESSAGE);
    for (const t of [MESSAGE, '', '..', `${MESSAGE}.${'z'.repeat(20)}.${'A'.repeat(22)}`, `${token}x`])
      expect(checkSubscriptionLinkToken(KEY.key, t, SENT)).toEqual({ ok: false, problem: 'forged' });
  });
});
