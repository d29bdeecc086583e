/** `POST /api/templates/preview`: the request (the editor builds it) and what it answers. */
import { z } from 'zod';
import { channelKindSchema, localeTag, messageTemplateSchema } from '../schema';

export const previewBody = z
  .object({
    channel: channelKindSchema,
    template: messageTemplateSchema,
    locales: z.record(localeTag, messageTemplateSchema).optional().describe('per-locale variants, as on a channel node'),
    costCents: z.number().int().min(0).max(1_000_000).optional().describe('the node’s price override'),
    externalId: z.string().min(1).max(200).optional().describe('render for this contact; absent → a sample contact'),
    locale: localeTag.optional().describe('with the sample contact: its locale'),
  })
  .strict();
export type PreviewBody = z.infer<typeof previewBody>;

export const previewView = z.object({
  contact: z.object({ externalId: z.string(), sample: z.boolean() }),
  content: z.record(z.string(), z.string()),
  locale: z.string().nullable(),
  sms: z.object({ encoding: z.enum(['GSM-7', 'UCS-2']), characters: z.number().int(), segments: z.number().int() }).optional(),
  costCents: z.number().int(),
  missingVariables: z.array(z.string()),
  problems: z.array(z.string()),
});
export type TemplatePreview = z.infer<typeof previewView>;
