import { escalationVerdict, nextEscalationHop } from './escalation';

const escalate = { after: 'PT24H', unless: 'clicked' as const, to: ['email' as const, 'sms' as const] };

describe('nextEscalationHop', () => {
  it.each([
    [0, { email: true, sms: true }, { email: 'a@x', phone: '+1' }, { hop: 1, channel: 'email' }],
    [1, { email: true, sms: true }, { email: 'a@x', phone: '+1' }, { hop: 2, channel: 'sms' }],
    [2, { email: true, sms: true }, { email: 'a@x', phone: '+1' }, null],
    [0, { email: false, sms: true }, { email: 'a@x', phone: '+1' }, { hop: 2, channel: 'sms' }], // unsubscribed from email: straight to SMS
    [0, { email: true }, { phone: '+1' }, null], // no email address, no SMS consent
  ])('after hop %i with %j %j → %j', (after, consent, attributes, expected) => {
    const hop = nextEscalationHop(escalate, after, consent, attributes);
    expect(hop && { hop: hop.hop, channel: hop.channel }).toEqual(expected);
  });

  it('says which channels it passed over', () => {
    expect(nextEscalationHop(escalate, 0, { email: false, sms: true }, { phone: '+1' })!.skipped).toEqual([
      expect.objectContaining({ channel: 'email', reason: 'no_consent' }),
    ]);
  });
});

describe('escalationVerdict', () => {
  it.each([
    ['clicked', { clicked: false, opened: false }, 'waiting', { go: true }],
    ['clicked', { clicked: false, opened: true }, 'completed', { go: true }],
    ['clicked', { clicked: true, opened: true }, 'waiting', { go: false, reason: 'clicked' }],
    ['opened', { clicked: false, opened: true }, 'waiting', { go: false, reason: 'opened' }],
    ['opened', { clicked: true, opened: true }, 'waiting', { go: false, reason: 'clicked' }],
    ['clicked', { clicked: false, opened: false }, 'converted', { go: false, reason: 'journey_ended' }],
    ['clicked', { clicked: false, opened: false }, 'exited', { go: false, reason: 'journey_ended' }],
  ] as const)('unless %s, chain %j, journey %s → %j', (unless, chain, state, expected) => {
    expect(escalationVerdict(unless, chain, state)).toEqual(expected);
  });
});
