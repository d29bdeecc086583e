import { z } from 'zod';
import { channelKindSchema } from '@boomerang/engine';
import { receiptStatus } from '@boomerang/engine/core/views/messages';

const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'must be a message id (uuid)');

/** Boomerang's own receipt shape: our message id or the provider's id, and what happened. */
export const receiptItem = z
  .object({
    messageId: uuid.optional(),
    providerId: z.string().min(1).max(500).optional(),
    status: receiptStatus,
    bounce: z.enum(['hard', 'soft']).optional().describe('bounced email: hard clears the contact’s email consent (default hard)'),
    reason: z.string().max(1000).optional(),
  })
  .strict()
  .refine((r) => r.messageId || r.providerId, { message: 'needs messageId or providerId', path: ['messageId'] });
export type ReceiptItem = z.infer<typeof receiptItem>;

/** Twilio's status callback (form fields), mapped onto the receipt shape; in-flight statuses are ignored. */
export const twilioStatus = z
  .object({
    MessageSid: z.string().min(1).max(100),
    MessageStatus: z.string().min(1).max(40),
    ErrorCode: z.string().max(20).optional(),
  })
  .passthrough();

export const receiptsBody = z.union([receiptItem, z.array(receiptItem).min(1).max(1000)]);
export const channelParam = channelKindSchema;
