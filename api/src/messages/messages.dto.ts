import { z } from 'zod';

export const messagesQuery = z
  .object({
    externalId: z.string().min(1).max(200).optional(),
    flowId: z.string().uuid().optional(),
    journeyId: z.string().uuid().optional(),
    channel: z.enum(['email', 'push', 'sms', 'webhook']).optional(),
    status: z.enum(['queued', 'sent', 'delivered', 'failed']).optional(),
    cursor: z.string().max(400).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();
export type MessagesQuery = z.infer<typeof messagesQuery>;

export const messageView = z.object({
  id: z.string(),
  journeyId: z.string(),
  flowId: z.string(),
  version: z.number().int(),
  externalId: z.string(),
  nodeId: z.string(),
  channel: z.enum(['email', 'push', 'sms', 'webhook']),
  status: z.enum(['queued', 'sent', 'delivered', 'failed']),
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
