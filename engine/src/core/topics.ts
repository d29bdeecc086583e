/**
 * Subscription topics: a channel node may name the topic it sends on (`offers`, `product-news`…); a contact receives
 * it on a channel when its own choice for (topic, channel) says so, else its choice for the topic on every channel
 * (`*`), else the topic's default (opt-out topics default to subscribed, opt-in ones to not). A topic the workspace
 * does not define restricts nothing. Channel consent still applies on top.
 */
import type { ChannelKind } from './schema';

export const TOPIC_KEY = /^[a-z0-9][a-z0-9_-]{0,49}$/;

export interface TopicChoice {
  topic: string;
  /** a channel, or `*` for every channel */
  channel: ChannelKind | '*';
  subscribed: boolean;
}

/** What the runtime loads for a contact: its choices and the workspace topics' defaults. */
export interface TopicFacts {
  defaults: Record<string, boolean>;
  choices: TopicChoice[];
}

export function topicAllows(topic: string, channel: ChannelKind, facts: TopicFacts | undefined): boolean {
  if (!facts) return true;
  const exact = facts.choices.find((c) => c.topic === topic && c.channel === channel);
  if (exact) return exact.subscribed;
  const every = facts.choices.find((c) => c.topic === topic && c.channel === '*');
  if (every) return every.subscribed;
  return facts.defaults[topic] ?? true;
}
