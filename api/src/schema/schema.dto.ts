import { z } from 'zod';

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
