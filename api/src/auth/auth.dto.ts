import { z } from 'zod';
import { apiKeyScope, userRole } from '@boomerang/engine/core/views/auth';

export const loginBody = z.object({ email: z.string().min(1).max(320), password: z.string().min(1).max(1000) }).strict();
export type LoginBody = z.infer<typeof loginBody>;

export const createUserBody = z
  .object({
    email: z.string().max(320).email(),
    password: z.string().min(8, 'at least 8 characters').max(1000),
    role: userRole,
  })
  .strict();
export type CreateUserBody = z.infer<typeof createUserBody>;

export const createApiKeyBody = z
  .object({
    name: z.string().trim().min(1).max(200),
    scopes: z.array(apiKeyScope).min(1).max(2).describe('`ingest`: POST /api/contacts and /api/events only; `admin`: everything'),
  })
  .strict();
export type CreateApiKeyBody = z.infer<typeof createApiKeyBody>;

/** `PATCH /api/users/:id`: change the role, or disable (true) / enable (false) the user. */
export const updateUserBody = z
  .object({ role: userRole.optional(), disabled: z.boolean().optional() })
  .strict()
  .refine((b) => b.role !== undefined || b.disabled !== undefined, 'nothing to change: send role or disabled');
export type UpdateUserBody = z.infer<typeof updateUserBody>;
