/** What the auth, users, API keys and audit routes answer. */
import { z } from 'zod';

export const userRole = z.enum(['admin', 'editor', 'viewer']);
export type UserRole = z.infer<typeof userRole>;

export const apiKeyScope = z.enum(['admin', 'ingest']);
export type ApiKeyScope = z.infer<typeof apiKeyScope>;

/**
 * What a route needs. `read` everything visible; `ingest` contacts and events; `design` create and edit flows;
 * `operate` activate, pause, archive; `admin` keys, users, settings and the audit trail.
 */
export const permission = z.enum(['read', 'ingest', 'design', 'operate', 'admin']);
export type Permission = z.infer<typeof permission>;

export const userView = z.object({
  id: z.string(),
  email: z.string(),
  role: userRole,
  createdAt: z.string(),
  disabled: z.boolean().optional(),
});
export type UserView = z.infer<typeof userView>;

export const sessionView = z.object({
  token: z.string().describe('send as `Authorization: Bearer <token>`; also set as the boomerang_session cookie'),
  expiresAt: z.string(),
  user: userView.omit({ createdAt: true, disabled: true }),
});
export type SessionView = z.infer<typeof sessionView>;

export const meView = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('user'), id: z.string(), email: z.string(), role: userRole, permissions: z.array(permission) }),
  z.object({ kind: z.literal('key'), id: z.string(), prefix: z.string(), scopes: z.array(apiKeyScope), permissions: z.array(permission) }),
]);
export type MeView = z.infer<typeof meView>;

export const apiKeyView = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  scopes: z.array(apiKeyScope),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable().optional().describe('when a request last used the key'),
  key: z.string().optional().describe('the plaintext key; returned once, at creation'),
});
export type ApiKeyView = z.infer<typeof apiKeyView>;

export const revokedSessionsView = z.object({ revoked: z.number().int().describe('how many sessions ended') });

export const auditEntryView = z.object({
  id: z.string(),
  at: z.string().describe('ISO time'),
  actor: z.string().describe('`user:<email>` or `key:<prefix>`'),
  action: z.string().describe('e.g. flow.created, flow.updated, flow.activated, flow.paused, flow.resumed, flow.archived, api_key.created'),
  entityType: z.string(),
  entityId: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()),
});
export type AuditEntryView = z.infer<typeof auditEntryView>;
