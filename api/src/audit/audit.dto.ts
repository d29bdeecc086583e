import { z } from 'zod';

export const auditQuery = z
  .object({
    entityType: z.enum(['flow', 'api_key', 'user', 'settings']).optional(),
    entityId: z.string().min(1).max(200).optional(),
    cursor: z.string().max(400).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();
export type AuditQuery = z.infer<typeof auditQuery>;

export const auditEntry = z.object({
  id: z.string(),
  at: z.string().describe('ISO time'),
  actor: z.string().describe('`user:<email>` or `key:<prefix>`'),
  action: z.string().describe('e.g. flow.created, flow.updated, flow.activated, flow.paused, flow.resumed, flow.archived, api_key.created'),
  entityType: z.string(),
  entityId: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()),
});
