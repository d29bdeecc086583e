/** What `GET /api/messages` answers: a message with its delivery status. */
import { z } from 'zod';
import { channelKindSchema } from '../schema';
import { messageStatuses } from '../types';

export const messageStatus = z.enum(messageStatuses);

export const messageView = z.object({
  id: z.string(),
  journeyId: z.string(),
  flowId: z.string(),
  version: z.number().int(),
  externalId: z.string(),
  nodeId: z.string(),
  channel: channelKindSchema,
  status: messageStatus,
  content: z.record(z.string(), z.string()).describe('the rendered message (subject/html/text, title/body/url, body, url)'),
  costCents: z.number().int(),
  segments: z.number().int().nullable().describe('SMS segments billed'),
  escalation: z
    .object({ fromMessageId: z.string(), hop: z.number().int(), unless: z.string().optional() })
    .passthrough()
    .nullable()
    .describe('set on an escalation hop: the message it follows'),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  sentAt: z.string().nullable(),
  deliveredAt: z.string().nullable(),
  failedAt: z.string().nullable(),
  openedAt: z.string().nullable(),
  clickedAt: z.string().nullable(),
  unsubscribedAt: z.string().nullable(),
});
export type MessageView = z.infer<typeof messageView>;
