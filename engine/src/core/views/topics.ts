/** What the subscription topic routes answer. */
import { z } from 'zod';

export const topicView = z.object({
  key: z.string().describe('lowercase letters, digits, - and _; what a channel node names in `topic`'),
  name: z.string(),
  description: z.string(),
  defaultSubscribed: z.boolean().describe('true: opt-out (contacts receive it until they leave); false: opt-in'),
  left: z.number().int().describe('contacts who left the topic on at least one channel (unsubscribes per topic)'),
  joined: z.number().int().describe('contacts who chose the topic on at least one channel'),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type TopicView = z.infer<typeof topicView>;

const perChannel = z.object({ email: z.boolean(), push: z.boolean(), sms: z.boolean() });

export const preferencesView = z.object({
  externalId: z.string(),
  topics: z.array(
    z.object({
      key: z.string(),
      name: z.string(),
      description: z.string(),
      defaultSubscribed: z.boolean(),
      channels: perChannel.describe('whether the contact receives the topic on each channel (its choices over the default)'),
    }),
  ),
});
export type PreferencesView = z.infer<typeof preferencesView>;
