/** What the contacts, events, schema and imports routes answer. */
import { z } from 'zod';

export const channelConsent = z
  .object({ email: z.boolean(), push: z.boolean(), sms: z.boolean(), webhook: z.boolean() })
  .partial()
  .strict()
  .describe('per-channel consent; a channel left out keeps its value (unset = allowed, false = never send)');

export const contactView = z.object({
  externalId: z.string(),
  timezone: z.string(),
  consent: channelConsent,
  attributes: z.record(z.string(), z.unknown()),
  lastActiveAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ContactView = z.infer<typeof contactView>;

export const contactEventView = z.object({
  id: z.string(),
  name: z.string(),
  occurredAt: z.string(),
  receivedAt: z.string(),
  isActivity: z.boolean(),
  properties: z.record(z.string(), z.unknown()),
});
export type ContactEventView = z.infer<typeof contactEventView>;

/** `POST /api/contacts` and `POST /api/events`. */
export const batchResult = z.object({
  accepted: z.number().int().describe('items stored'),
  rejected: z.array(z.object({ index: z.number().int(), error: z.string() })).describe('items not stored, and why'),
});

export const attributeType = z.enum(['string', 'number', 'boolean', 'object', 'array', 'null']);

/** `GET /api/schema`: attribute keys with their JSON types and a few sample values; event names with counts. */
export const workspaceSchemaView = z.object({
  attributes: z.array(
    z.object({
      key: z.string(),
      type: attributeType,
      contacts: z.number().int().describe('contacts of the sample that have this key with this type'),
      samples: z.array(z.unknown()).describe('up to 5 distinct scalar values'),
    }),
  ),
  events: z.array(z.object({ name: z.string(), count: z.number().int(), lastAt: z.string() })),
  sampled: z.object({ contacts: z.number().int(), events: z.number().int() }).describe('how many recent rows were read'),
});
export type WorkspaceSchema = z.infer<typeof workspaceSchemaView>;

/** One NDJSON line of `POST /api/imports/:kind`, and `GET /api/imports/:id`. */
export const importProgressView = z.object({
  importId: z.string().uuid(),
  kind: z.enum(['contacts', 'events']),
  status: z.enum(['running', 'done', 'failed']),
  rows: z.number().int().describe('data rows read (the header is line 1 and not a row)'),
  accepted: z.number().int(),
  rejected: z.number().int(),
  bytes: z.number().int(),
  totalBytes: z.number().int().nullable().describe('Content-Length of the upload'),
  percent: z.number().int().nullable(),
  startedAt: z.string(),
  elapsedMs: z.number().int(),
  error: z.string().nullable(),
  rejectedReport: z.string().nullable().describe('path of the rejected rows CSV (`line,reason`), once a row was rejected'),
});
export type ImportProgress = z.infer<typeof importProgressView>;
