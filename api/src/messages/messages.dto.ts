import { z } from 'zod';
import { channelKindSchema } from '@boomerang/engine/core/schema';
import { messageStatus } from '@boomerang/engine/core/views/messages';

export const messagesQuery = z
  .object({
    externalId: z.string().min(1).max(200).optional(),
    flowId: z.string().uuid().optional(),
    journeyId: z.string().uuid().optional(),
    channel: channelKindSchema.optional(),
    status: messageStatus.optional(),
    cursor: z.string().max(400).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();
export type MessagesQuery = z.infer<typeof messagesQuery>;
