import { contextsOf, describeEntry } from './timeline';

const name = (id: string) => ({ t: 'Inactive 7 days', c: 'Active?', w: 'Wait a week' })[id] ?? id;

describe('describeEntry', () => {
  it.each([
    [{ kind: 'entered', nodeId: 't', detail: {} }, 'Entered the flow at “Inactive 7 days”.'],
    [{ kind: 'decision', nodeId: 'c', detail: { handle: 'no', explanation: 'active = false' } }, '“Active?” decided “no”: active = false.'],
    [{ kind: 'wait', nodeId: 'w', detail: { kind: 'delay', until: 'X' } }, 'Waits at “Wait a week” until <X>.'],
    [{ kind: 'guardrail', nodeId: 'w', detail: { reason: 'quiet hours' } }, 'Not sent at “Wait a week”: quiet hours.'],
    [
      {
        kind: 'guardrail',
        nodeId: 'w',
        detail: { reason: 'no_channel', skipped: [{ channel: 'push', reason: 'no_consent', detail: 'push consent is missing' }] },
      },
      'Not sent at “Wait a week”: no push consent and no fallback channel.',
    ],
    [
      {
        kind: 'guardrail',
        nodeId: 'w',
        detail: {
          reason: 'no_channel',
          skipped: [
            { channel: 'push', reason: 'no_address' },
            { channel: 'email', reason: 'no_consent' },
          ],
        },
      },
      'Not sent at “Wait a week”: no push token, no e-mail consent.',
    ],
    [
      { kind: 'guardrail', nodeId: 'w', detail: { reason: 'quiet_hours', until: 'T', explanation: 'quiet hours in UTC: held until T' } },
      'Held at “Wait a week” for quiet hours until <T>.',
    ],
    [
      { kind: 'guardrail', nodeId: 'w', detail: { reason: 'holdout', explanation: 'holdout contact: not sent' } },
      'Not sent at “Wait a week”: this contact is in the holdout group, which gets nothing.',
    ],
    [
      {
        kind: 'decision',
        nodeId: 'c',
        detail: {
          handle: 'no',
          explanation: 'locale = "en" = "zh-CN" → no',
          checks: [{ kind: 'attribute', result: false, values: { attribute: 'locale', op: 'eq', actual: 'en', expected: 'zh-CN' } }],
        },
      },
      '“Active?” decided “no”: locale is “en”, not “zh-CN” → no.',
    ],
    [
      {
        kind: 'decision',
        nodeId: 'c',
        detail: {
          handle: 'yes',
          checks: [{ kind: 'event', result: true, values: { event: 'app_open', within: 'P7D', count: 2, comparison: { gte: 1 } } }],
        },
      },
      '“Active?” decided “yes”: app_open: 2 times in the last 7 days → yes.',
    ],
    [
      { kind: 'wait', nodeId: 'w', detail: { kind: 'goal', until: 'U', within: 'P3D', event: 'order_paid' } },
      'Waits at “Wait a week” up to 3 days for “order_paid”, until <U>; without it the journey ends unconverted.',
    ],
    [
      { kind: 'wait', nodeId: 'w', detail: { kind: 'goal', until: 'U', within: 'PT72H' } },
      'Waits at “Wait a week” up to 3 days for the goal, until <U>; without it the journey ends unconverted.',
    ],
    [
      { kind: 'completed', nodeId: 'c', detail: { reason: 'unconnected handle', handle: 'no' } },
      'Journey completed at “Active?”: the “no” exit of this step ends the journey.',
    ],
  ])('%j', (row, sentence) => {
    expect(describeEntry(row, name, (iso) => `<${iso}>`)).toBe(sentence);
  });

  it('names what a goal waits for when the flow is known', () => {
    const row = { kind: 'wait', nodeId: 'g', detail: { kind: 'goal', until: 'U', within: 'P3D' } };
    const goalWhat = (id: string) => (id === 'g' ? '“order_paid”' : undefined);
    expect(describeEntry(row, name, (iso) => `<${iso}>`, { goalWhat })).toBe(
      'Waits at “g” up to 3 days for “order_paid”, until <U>; without it the journey ends unconverted.',
    );
  });

  it('says how long after the last message a contact came back', () => {
    const rows = [
      { kind: 'message', nodeId: 'p', at: '2026-12-06T01:00:00Z', detail: { channel: 'push' } },
      {
        kind: 'goal',
        nodeId: 'g',
        at: '2026-12-06T03:38:49Z',
        detail: { reason: 'goal met', event: 'transaction', at: '2026-12-06T03:38:49.149Z' },
      },
    ];
    const ctx = contextsOf(rows);
    expect(describeEntry(rows[1], name, (iso) => iso, ctx[1])).toBe('Came back: transaction 3 h after the push.');
    expect(describeEntry(rows[1], name, (iso) => `<${iso}>`, ctx[0])).toBe('Came back: transaction at <2026-12-06T03:38:49.149Z>.');
  });
});
