import { compareAttribute, evaluateRule, isActive, reengagement } from './rules';
import type { Rule } from './schema';
import { contact, event, newJourney } from './testing/fixtures';

const now = new Date('2026-01-10T12:00:00Z');

describe('compareAttribute', () => {
  it.each`
    actual                              | op            | value                          | expected
    ${2}                                | ${'gt'}       | ${0}                           | ${true}
    ${'2'}                              | ${'gt'}       | ${0}                           | ${true}
    ${'10'}                             | ${'gt'}       | ${9}                           | ${true}
    ${'10'}                             | ${'gt'}       | ${'9'}                         | ${true}
    ${2}                                | ${'eq'}       | ${'2'}                         | ${true}
    ${'2.0'}                            | ${'eq'}       | ${2}                           | ${true}
    ${'abc'}                            | ${'gt'}       | ${1}                           | ${false}
    ${'b'}                              | ${'gt'}       | ${'a'}                         | ${true}
    ${'2026-01-02'}                     | ${'gt'}       | ${'2026-01-01T23:00:00Z'}      | ${true}
    ${'2026-01-02T00:00:00Z'}           | ${'lt'}       | ${'2026-01-02T01:00:00+02:00'} | ${false}
    ${new Date('2026-01-02T00:00:00Z')} | ${'eq'}       | ${'2026-01-02T00:00:00.000Z'}  | ${true}
    ${true}                             | ${'eq'}       | ${'true'}                      | ${true}
    ${false}                            | ${'eq'}       | ${true}                        | ${false}
    ${'frustrated'}                     | ${'in'}       | ${['frustrated', 'natural']}   | ${true}
    ${'rigid'}                          | ${'in'}       | ${['frustrated', 'natural']}   | ${false}
    ${3}                                | ${'in'}       | ${['3', '4']}                  | ${true}
    ${['a', 'b']}                       | ${'in'}       | ${['b']}                       | ${true}
    ${'hello world'}                    | ${'contains'} | ${'world'}                     | ${true}
    ${['vip', 'beta']}                  | ${'contains'} | ${'vip'}                       | ${true}
    ${42}                               | ${'contains'} | ${4}                           | ${false}
    ${'x'}                              | ${'neq'}      | ${'y'}                         | ${true}
    ${undefined}                        | ${'eq'}       | ${1}                           | ${false}
    ${undefined}                        | ${'gt'}       | ${0}                           | ${false}
    ${undefined}                        | ${'lt'}       | ${0}                           | ${false}
    ${null}                             | ${'neq'}      | ${1}                           | ${true}
    ${undefined}                        | ${'exists'}   | ${undefined}                   | ${false}
    ${undefined}                        | ${'exists'}   | ${false}                       | ${true}
    ${0}                                | ${'exists'}   | ${true}                        | ${true}
    ${''}                               | ${'exists'}   | ${false}                       | ${false}
    ${{ a: 1 }}                         | ${'eq'}       | ${{ a: 1 }}                    | ${true}
  `('$actual $op $value → $expected', ({ actual, op, value, expected }) => {
    expect(compareAttribute(actual, op, value)).toBe(expected);
  });
});

describe('evaluateRule', () => {
  const facts = contact({
    timezone: 'Asia/Shanghai',
    attributes: { cart_items: 2, plan: 'pro', address: { city: 'Hangzhou' } },
    events: [
      event('app_open', '2026-01-04T12:00:00Z'),
      event('app_open', '2026-01-09T12:00:00Z'),
      event('order_paid', '2026-01-09T13:00:00Z', { amount: 120 }),
      event('order_paid', '2026-01-09T14:00:00Z', { amount: 20 }),
      event('app_open', '2026-01-11T12:00:00Z'), // after now: ignored
    ],
  });

  it.each<[string, Rule, boolean, string]>([
    ['attribute leaf', { attribute: 'cart_items', op: 'gt', value: 0 }, true, 'cart_items = 2 > 0 → yes'],
    ['missing attribute', { attribute: 'coupon', op: 'eq', value: 'X' }, false, 'coupon = (missing) = "X" → no'],
    ['dotted path', { attribute: 'address.city', op: 'eq', value: 'Hangzhou' }, true, 'address.city = "Hangzhou" = "Hangzhou" → yes'],
    ['event count defaults to ≥ 1', { event: 'app_open', within: 'P7D' }, true, 'app_open in last P7D: 2 (≥ 1) → yes'],
    [
      'event count over a longer window',
      { event: 'app_open', within: 'P30D', count: { gte: 2 } },
      true,
      'app_open in last P30D: 2 (≥ 2) → yes',
    ],
    [
      'event with where',
      { event: 'order_paid', within: 'P7D', where: { attribute: 'amount', op: 'gte', value: 100 }, count: { eq: 1 } },
      true,
      'order_paid (filtered) in last P7D: 1 (= 1) → yes',
    ],
    ['no events', { event: 'signed_up', within: 'P7D' }, false, 'signed_up in last P7D: 0 (≥ 1) → no'],
    [
      'all',
      {
        all: [
          { attribute: 'plan', op: 'eq', value: 'pro' },
          { event: 'app_open', within: 'P1D' },
        ],
      },
      false,
      'all(plan = "pro" = "pro" → yes; app_open in last P1D: 0 (≥ 1) → no) → no',
    ],
    [
      'any',
      {
        any: [
          { attribute: 'plan', op: 'eq', value: 'free' },
          { attribute: 'cart_items', op: 'gte', value: 2 },
        ],
      },
      true,
      'any(plan = "pro" = "free" → no; cart_items = 2 ≥ 2 → yes) → yes',
    ],
    ['not', { not: { attribute: 'plan', op: 'eq', value: 'pro' } }, false, 'not(plan = "pro" = "pro" → yes) → no'],
  ])('%s', (_case, rule, result, explanation) => {
    const verdict = evaluateRule(rule, facts, now);
    expect(verdict.result).toBe(result);
    expect(verdict.explanation).toBe(explanation);
  });

  it('reports structured values per leaf', () => {
    const verdict = evaluateRule({ attribute: 'cart_items', op: 'gt', value: 0 }, facts, now);
    expect(verdict.checks).toEqual([
      expect.objectContaining({ kind: 'attribute', result: true, values: { attribute: 'cart_items', op: 'gt', actual: 2, expected: 0 } }),
    ]);
  });

  it('counts visits from the journey context', () => {
    const journey = newJourney({ context: { visits: { checkin: 12 } } });
    expect(evaluateRule({ visits: { node: 'checkin', gte: 12 } }, facts, now, { journey }).result).toBe(true);
    expect(evaluateRule({ visits: { node: 'checkin', lt: 12 } }, facts, now, { journey }).result).toBe(false);
    expect(evaluateRule({ visits: { node: 'other', eq: 0 } }, facts, now, { journey }).result).toBe(true);
  });
});

describe('isActive (3 distinct local days of the last 7, today included)', () => {
  const open = (iso: string) => event('app_open', iso);
  it.each`
    case                                                        | events                                                                                                                     | tz                 | expected
    ${'three days in the window'}                               | ${[open('2026-01-04T12:00:00Z'), open('2026-01-07T12:00:00Z'), open('2026-01-10T11:00:00Z')]}                              | ${'UTC'}           | ${true}
    ${'three events on two days'}                               | ${[open('2026-01-07T08:00:00Z'), open('2026-01-07T12:00:00Z'), open('2026-01-10T11:00:00Z')]}                              | ${'UTC'}           | ${false}
    ${'day 8 ago does not count'}                               | ${[open('2026-01-03T12:00:00Z'), open('2026-01-07T12:00:00Z'), open('2026-01-10T11:00:00Z')]}                              | ${'UTC'}           | ${false}
    ${'early morning of the first day counts'}                  | ${[open('2026-01-04T00:01:00Z'), open('2026-01-07T12:00:00Z'), open('2026-01-10T11:00:00Z')]}                              | ${'UTC'}           | ${true}
    ${'future events do not count'}                             | ${[open('2026-01-07T12:00:00Z'), open('2026-01-09T12:00:00Z'), open('2026-01-10T13:00:00Z')]}                              | ${'UTC'}           | ${false}
    ${'local days: 17:00Z and 23:00Z are two days in Shanghai'} | ${[open('2026-01-08T15:00:00Z'), open('2026-01-08T17:00:00Z'), open('2026-01-09T23:00:00Z')]}                              | ${'Asia/Shanghai'} | ${true}
    ${'same instants are only two days in UTC'}                 | ${[open('2026-01-08T15:00:00Z'), open('2026-01-08T17:00:00Z'), open('2026-01-09T23:00:00Z')]}                              | ${'UTC'}           | ${false}
    ${'non-activity events do not count'}                       | ${[event('email_bounced', '2026-01-05T12:00:00Z', {}, false), open('2026-01-07T12:00:00Z'), open('2026-01-10T11:00:00Z')]} | ${'UTC'}           | ${false}
  `('$case → $expected', ({ events, tz, expected }) => {
    expect(isActive(events, now, tz)).toBe(expected);
  });
});

describe('reengaged', () => {
  const settings = { activity: { minDays: 3, windowDays: 7 }, attributionWindow: 'PT72H' };
  it.each`
    case                                       | sentAt                      | events                                                                                                                               | expected
    ${'returned 10 h after the win-back'}      | ${['2026-01-08T00:00:00Z']} | ${[event('app_open', '2026-01-08T10:00:00Z')]}                                                                                       | ${true}
    ${'returned after the attribution window'} | ${['2026-01-01T00:00:00Z']} | ${[event('app_open', '2026-01-05T00:00:00Z')]}                                                                                       | ${false}
    ${'activity before the win-back only'}     | ${['2026-01-08T00:00:00Z']} | ${[event('app_open', '2026-01-07T10:00:00Z')]}                                                                                       | ${false}
    ${'no win-back sent'}                      | ${[]}                       | ${[event('app_open', '2026-01-08T10:00:00Z')]}                                                                                       | ${false}
    ${'returned and already active'}           | ${['2026-01-07T00:00:00Z']} | ${[event('app_open', '2026-01-07T10:00:00Z'), event('app_open', '2026-01-08T10:00:00Z'), event('app_open', '2026-01-09T10:00:00Z')]} | ${false}
  `('$case → $expected', ({ sentAt, events, expected }) => {
    const journey = newJourney({ context: { winbackSentAt: sentAt } });
    const facts = contact({ events });
    expect(reengagement(facts, now, { settings, journey }).reengaged).toBe(expected);
    expect(evaluateRule({ reengaged: true }, facts, now, { settings, journey }).result).toBe(expected);
    expect(evaluateRule({ reengaged: false }, facts, now, { settings, journey }).result).toBe(!expected);
  });

  it('trusts context.returnedAt once recorded', () => {
    const journey = newJourney({ context: { winbackSentAt: [], returnedAt: '2026-01-02T00:00:00Z' } });
    expect(reengagement(contact(), now, { settings, journey })).toEqual({
      reengaged: true,
      returnedAt: '2026-01-02T00:00:00.000Z',
      active: false,
    });
  });
});
