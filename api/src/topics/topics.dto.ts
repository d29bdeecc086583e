import { z } from 'zod';
import { TOPIC_KEY } from '@boomerang/engine/core/topics';

export const topicKeyParam = z
  .string()
  .regex(TOPIC_KEY, 'a topic key: 1–50 lowercase letters, digits, - and _, starting with a letter or digit');

/** `PUT /api/topics/:key`: creates or updates the topic. */
export const upsertTopicBody = z
  .object({
    name: z.string().trim().min(1, 'must not be empty').max(100),
    description: z.string().max(500).optional(),
    defaultSubscribed: z.boolean().describe('true: opt-out topic (everyone until they leave); false: opt-in'),
  })
  .strict();
export type UpsertTopicBody = z.infer<typeof upsertTopicBody>;

const channelChoice = z.object({ email: z.boolean().optional(), push: z.boolean().optional(), sms: z.boolean().optional() }).strict();

/**
 * `PUT /api/contacts/:externalId/preferences`: per topic key, `true`/`false` for every channel, or per channel. A
 * topic left out keeps the contact's earlier choice.
 */
export const updatePreferencesBody = z
  .object({ topics: z.record(z.string().regex(TOPIC_KEY, 'a topic key'), z.union([z.boolean(), channelChoice])) })
  .strict();
export type UpdatePreferencesBody = z.infer<typeof updatePreferencesBody>;
