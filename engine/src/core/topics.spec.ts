import { topicAllows, type TopicFacts } from './topics';

const facts = (choices: TopicFacts['choices'], defaults: Record<string, boolean> = { offers: true, news: false }): TopicFacts => ({
  defaults,
  choices,
});

it.each([
  ['no facts: allowed', 'offers', 'email', undefined, true],
  ['opt-out topic, no choice: allowed', 'offers', 'email', facts([]), true],
  ['opt-in topic, no choice: not allowed', 'news', 'email', facts([]), false],
  ['unknown topic: allowed', 'other', 'sms', facts([]), true],
  ['left the topic on every channel', 'offers', 'push', facts([{ topic: 'offers', channel: '*', subscribed: false }]), false],
  [
    'left it on every channel but kept email',
    'offers',
    'email',
    facts([
      { topic: 'offers', channel: '*', subscribed: false },
      { topic: 'offers', channel: 'email', subscribed: true },
    ]),
    true,
  ],
  ['joined an opt-in topic on sms', 'news', 'sms', facts([{ topic: 'news', channel: 'sms', subscribed: true }]), true],
  ['joined on sms only: not email', 'news', 'email', facts([{ topic: 'news', channel: 'sms', subscribed: true }]), false],
] as const)('%s', (_, topic, channel, f, expected) => {
  expect(topicAllows(topic, channel, f as TopicFacts | undefined)).toBe(expected);
});
