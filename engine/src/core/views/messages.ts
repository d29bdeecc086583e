/** What `GET /api/messages` answers: a message with its delivery status. */
import { z } from 'zod';
import { channelKindSchema } from '../schema';
import { messageStatuses } from '../types';

export const messageStatus = z.enum(messageStatuses);
/** What a provider's receipt can say happened to a message it accepted. */
export const receiptStatus = z.enum(['delivered', 'bounced', 'failed']);

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

/** What `POST /api/providers/:channel/status` answers; 200 only once every receipt is durably stored. */
export const receiptsAnswerView = z.object({
  accepted: z.number().int().describe('receipts applied to their message'),
  pending: z.number().int().describe('receipts naming a provider id no message carries yet (kept, applied when the send is recorded)'),
  ignored: z.number().int().describe('in-flight statuses (queued, sending, sent): nothing to record'),
  rejected: z.array(z.object({ index: z.number().int(), error: z.string() })),
});
export type ReceiptsAnswerView = z.infer<typeof receiptsAnswerView>;
