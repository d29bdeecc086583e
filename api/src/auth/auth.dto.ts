import { z } from 'zod';

export const loginBody = z.object({ email: z.string().min(1).max(320), password: z.string().min(1).max(1000) }).strict();
export type LoginBody = z.infer<typeof loginBody>;

export const userRole = z.enum(['admin', 'editor', 'viewer']);

export const createUserBody = z
  .object({
    email: z.string().max(320).email(),
    password: z.string().min(8, 'at least 8 characters').max(1000),
    role: userRole,
  })
  .strict();
export type CreateUserBody = z.infer<typeof createUserBody>;

export const apiKeyScope = z.enum(['admin', 'ingest']);
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

export const userView = z.object({
  id: z.string(),
  email: z.string(),
  role: userRole,
  createdAt: z.string(),
  disabled: z.boolean().optional(),
});
export const sessionView = z.object({
  token: z.string().describe('send as `Authorization: Bearer <token>`; also set as the boomerang_session cookie'),
  expiresAt: z.string(),
  user: userView.omit({ createdAt: true }),
});
export const meView = z.union([
  z.object({ kind: z.literal('user'), id: z.string(), email: z.string(), role: userRole, permissions: z.array(z.string()) }),
  z.object({ kind: z.literal('key'), id: z.string(), prefix: z.string(), scopes: z.array(apiKeyScope), permissions: z.array(z.string()) }),
]);
export const apiKeyView = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  scopes: z.array(apiKeyScope),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable().optional().describe('when a request last used the key'),
  key: z.string().optional().describe('the plaintext key; returned once, at creation'),
});
export const revokedSessionsView = z.object({ revoked: z.number().int().describe('how many sessions ended') });
