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
