import { summarize } from './summary';

describe('card summaries say what the step does now', () => {
  it('shows the current channel’s copy after a switch, not the old push title', () => {
    const switched = { channel: 'sms' as const, template: { title: 'Old push title', body: 'Hi {{firstName}}, 10% off' } };
    expect(summarize('channel', switched)).toBe('sms · Hi {{firstName}}, 10% off');
    expect(summarize('channel', { channel: 'push', template: { title: 'We miss you', body: 'Come back' } })).toBe('push · We miss you');
    expect(summarize('channel', { channel: 'email', template: { subject: 'Your cart', html: '<p>x</p>', title: 'stale' } })).toBe(
      'email · Your cart',
    );
  });
});
