import { createHmac } from 'node:crypto';
import { messageIdHeader } from './email';
import { assertOk, parseRetryAfter } from './http';
import { webhookSignature } from './webhook';
import { isPermanent, retryAfterOf } from './adapter';

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-03-02T12:00:00Z');
  it.each([
    ['120', 120_000],
    [' 0 ', 0],
    ['Mon, 02 Mar 2026 12:00:30 GMT', 30_000],
    ['Mon, 02 Mar 2026 11:00:00 GMT', 0], // in the past: at once
    ['soon', undefined],
    [undefined, undefined],
  ])('%j → %j ms', (value, expected) => expect(parseRetryAfter(value, now)).toBe(expected));
});

describe('assertOk: the provider verdict', () => {
  const res = (status: number, headers: Record<string, string> = {}) => ({ status, headers, body: 'x' });
  it.each([
    [200, null],
    [204, null],
    [500, 'retry'],
    [503, 'retry'],
    [429, 'retry'],
    [408, 'retry'],
    [400, 'permanent'],
    [401, 'permanent'],
    [404, 'permanent'],
    [410, 'permanent'],
  ])('%i → %s', (status, verdict) => {
    let error: unknown = null;
    try {
      assertOk(res(status), 'provider');
    } catch (e) {
      error = e;
    }
    expect(error === null ? null : isPermanent(error) ? 'permanent' : 'retry').toBe(verdict);
  });

  it('carries Retry-After of a 429', () => {
    try {
      assertOk(res(429, { 'retry-after': '7' }), 'provider');
      throw new Error('not thrown');
    } catch (e) {
      expect(retryAfterOf(e)).toBe(7000);
    }
  });
});

describe('webhookSignature', () => {
  it('is t=<seconds>,v1=<HMAC-SHA256 of "t.body">', () => {
    const mac = createHmac('sha256', 'secret').update('1700000000.{"a":1}').digest('hex');
    expect(webhookSignature('secret', 1700000000, '{"a":1}')).toBe(`t=1700000000,v1=${mac}`);
  });
});

describe('messageIdHeader', () => {
  it('turns the idempotency key into a stable Message-ID on the sender’s domain', () => {
    expect(messageIdHeader('0b0e…:7'.replace('…', 'a'), 'Shop <hello@shop.example>')).toBe('<0b0ea.7@shop.example>');
    expect(messageIdHeader('j:1', 'no-domain')).toBe('<j.1@boomerang.invalid>');
  });
});

describe('buildChannelAdapters', () => {
  it('says which channels are live and which are sandboxed, naming hosts and variables but never a secret', async () => {
    const { buildChannelAdapters } = await import('./build');
    const built = buildChannelAdapters({
      publicUrl: 'https://win.example',
      timeoutMs: 1000,
      smtp: { url: 'smtp://mailer:smtp-password-1@smtp.example.com:587', from: 'Shop <hello@shop.example>' },
      fcm: { url: 'https://push.example.com/v1/projects/p/messages:send', token: 'fcm-bearer-secret' },
      webhook: { secret: 'webhook-secret-0123456789' },
    });
    try {
      expect(built.status).toEqual({
        email: 'live (SMTP smtp.example.com:587, from Shop <hello@shop.example>)',
        push: 'live (FCM push.example.com)',
        sms: 'sandbox (set SMS_URL, SMS_ACCOUNT, SMS_TOKEN and SMS_FROM)',
        webhook: 'live (signed with WEBHOOK_SECRET)',
      });
      expect(JSON.stringify(built.status)).not.toMatch(/smtp-password-1|fcm-bearer-secret|webhook-secret-0123456789|mailer/);
      expect(built.adapters.sms).toBeUndefined();
      expect(built.adapters.default.name).toBe('sandbox');
    } finally {
      await built.close();
    }
  });
});
