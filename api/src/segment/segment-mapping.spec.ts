import { ANONYMOUS_PREFIX, canonicalLocale, mapMessage, occurredAtOf, segmentMessage } from './segment-mapping';

const at = new Date('2027-01-01T12:00:00Z');
const map = (raw: Record<string, unknown>, sentAt?: string) => mapMessage(segmentMessage.parse(raw), at, sentAt);

describe('mapMessage', () => {
  it.each([
    [
      'identify: traits → attributes, zone and locale from the context',
      { type: 'identify', userId: 'u1', traits: { email: 'a@b.c' }, context: { timezone: 'Asia/Tokyo', locale: 'ja_JP' } },
      { externalId: 'u1', contact: { externalId: 'u1', timezone: 'Asia/Tokyo', attributes: { locale: 'ja-JP', email: 'a@b.c' } } },
    ],
    [
      'identify with an invalid zone and locale: both dropped',
      { type: 'identify', userId: 'u1', context: { timezone: 'Mars/Base', locale: '!!' } },
      { externalId: 'u1', contact: { externalId: 'u1' } },
    ],
    [
      'track with only anonymousId: the anonymous contact',
      { type: 'track', anonymousId: 'v1', event: 'e', properties: { a: 1 }, messageId: 'm1' },
      { externalId: `${ANONYMOUS_PREFIX}v1`, messageId: 'm1', event: { name: 'e', occurredAt: at.toISOString(), properties: { a: 1 } } },
    ],
    [
      'track with both ids: merges the anonymous contact',
      { type: 'track', userId: 7, anonymousId: 'v1', event: 'e' },
      { externalId: '7', mergeFrom: [`${ANONYMOUS_PREFIX}v1`], event: { name: 'e', occurredAt: at.toISOString(), properties: {} } },
    ],
    [
      'page → the event "page" with name and category',
      { type: 'page', userId: 'u', name: 'Home', category: 'Docs', properties: { path: '/' } },
      { externalId: 'u', event: { name: 'page', occurredAt: at.toISOString(), properties: { path: '/', name: 'Home', category: 'Docs' } } },
    ],
    [
      'screen → the event "screen"',
      { type: 'screen', userId: 'u', name: 'Cart' },
      { externalId: 'u', event: { name: 'screen', occurredAt: at.toISOString(), properties: { name: 'Cart' } } },
    ],
    [
      'group → groupId and group attributes',
      { type: 'group', userId: 'u', groupId: 'acme', traits: { plan: 'team' } },
      { externalId: 'u', contact: { externalId: 'u', attributes: { groupId: 'acme', group: { plan: 'team', id: 'acme' } } } },
    ],
    [
      'alias: previousId, known or anonymous, into userId',
      { type: 'alias', userId: 'u', previousId: 'v9' },
      { externalId: 'u', mergeFrom: ['v9', `${ANONYMOUS_PREFIX}v9`] },
    ],
  ])('%s', (_, raw, expected) => {
    expect(map(raw)).toEqual(expected);
  });

  it('refuses a message without a user', () => {
    expect(() => map({ type: 'track', event: 'e' })).toThrow(/userId or anonymousId/);
    expect(() => map({ type: 'alias', previousId: 'x' })).toThrow(/userId/);
  });
});

describe('occurredAtOf (Segment’s skew correction)', () => {
  it.each([
    ['no timestamp: receivedAt', {}, undefined, at.toISOString()],
    ['timestamp without sentAt: as given', { timestamp: '2026-12-31T00:00:00Z' }, undefined, '2026-12-31T00:00:00.000Z'],
    ['sentAt 1 h ahead: moved back', { timestamp: '2027-01-01T12:50:00Z' }, '2027-01-01T13:00:00Z', '2027-01-01T11:50:00.000Z'],
    [
      'the message’s own sentAt wins',
      { originalTimestamp: '2027-01-01T12:59:00Z', sentAt: '2027-01-01T13:00:00Z' },
      'x',
      '2027-01-01T11:59:00.000Z',
    ],
  ])('%s', (_, message, batchSentAt, expected) => {
    expect(occurredAtOf(message, at, batchSentAt).toISOString()).toBe(expected);
  });
});

it('canonicalLocale', () => {
  expect([canonicalLocale('en_us'), canonicalLocale('zh-Hans-CN'), canonicalLocale('not a locale'), canonicalLocale(3)]).toEqual([
    'en-US',
    'zh-Hans-CN',
    undefined,
    undefined,
  ]);
});
