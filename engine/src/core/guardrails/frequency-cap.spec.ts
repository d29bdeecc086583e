import { sent } from '../testing/fixtures';
import type { FrequencyCap } from '../types';
import { frequencyCapVerdict } from './frequency-cap';

const pushDaily: FrequencyCap = { channel: 'push', max: 1, per: 'P1D' };
const weekly: FrequencyCap = { channel: 'all', max: 3, per: 'P7D' };
const defaults = [pushDaily, weekly];
const now = new Date('2026-01-10T12:00:00Z');

describe('frequencyCapVerdict', () => {
  it.each`
    case                                                         | channel    | sends                                                                                                                                                        | caps        | allowed  | retryAt                       | capChannel
    ${'no sends'}                                                | ${'push'}  | ${[]}                                                                                                                                                        | ${defaults} | ${true}  | ${undefined}                  | ${undefined}
    ${'push 10 h ago blocks push'}                               | ${'push'}  | ${[sent('push', '2026-01-10T02:00:00Z')]}                                                                                                                    | ${defaults} | ${false} | ${'2026-01-11T02:00:00.000Z'} | ${'push'}
    ${'push 10 h ago does not block email'}                      | ${'email'} | ${[sent('push', '2026-01-10T02:00:00Z')]}                                                                                                                    | ${defaults} | ${true}  | ${undefined}                  | ${undefined}
    ${'push 25 h ago has left the window'}                       | ${'push'}  | ${[sent('push', '2026-01-09T11:00:00Z')]}                                                                                                                    | ${defaults} | ${true}  | ${undefined}                  | ${undefined}
    ${'send exactly one window ago no longer counts'}            | ${'push'}  | ${[sent('push', '2026-01-09T12:00:00Z')]}                                                                                                                    | ${defaults} | ${true}  | ${undefined}                  | ${undefined}
    ${'3 sends this week block every channel'}                   | ${'email'} | ${[sent('email', '2026-01-04T13:00:00Z'), sent('sms', '2026-01-06T12:00:00Z'), sent('push', '2026-01-08T12:00:00Z')]}                                        | ${defaults} | ${false} | ${'2026-01-11T13:00:00.000Z'} | ${'all'}
    ${'4 sends: the second oldest must leave'}                   | ${'email'} | ${[sent('email', '2026-01-04T13:00:00Z'), sent('email', '2026-01-05T12:00:00Z'), sent('sms', '2026-01-06T12:00:00Z'), sent('push', '2026-01-08T12:00:00Z')]} | ${defaults} | ${false} | ${'2026-01-12T12:00:00.000Z'} | ${'all'}
    ${'both caps block: the later retry wins'}                   | ${'push'}  | ${[sent('email', '2026-01-04T13:00:00Z'), sent('sms', '2026-01-06T12:00:00Z'), sent('push', '2026-01-10T11:00:00Z')]}                                        | ${defaults} | ${false} | ${'2026-01-11T13:00:00.000Z'} | ${'all'}
    ${'a later send (another engine read a later clock) counts'} | ${'push'}  | ${[sent('push', '2026-01-10T13:00:00Z')]}                                                                                                                    | ${defaults} | ${false} | ${'2026-01-11T13:00:00.000Z'} | ${'push'}
    ${'no caps'}                                                 | ${'push'}  | ${[sent('push', '2026-01-10T11:00:00Z')]}                                                                                                                    | ${[]}       | ${true}  | ${undefined}                  | ${undefined}
  `('$case', ({ channel, sends, caps, allowed, retryAt, capChannel }) => {
    const verdict = frequencyCapVerdict(channel, sends, caps, now);
    expect(verdict.allowed).toBe(allowed);
    if (!verdict.allowed) {
      expect(verdict.retryAt?.toISOString()).toBe(retryAt);
      expect(verdict.cap.channel).toBe(capChannel);
    }
  });

  it('a cap of zero blocks without a retry time', () => {
    const verdict = frequencyCapVerdict('sms', [], [{ channel: 'sms', max: 0, per: 'P1D' }], now);
    expect(verdict).toMatchObject({ allowed: false, count: 0 });
    expect(verdict.allowed === false && verdict.retryAt).toBeUndefined();
  });
});
