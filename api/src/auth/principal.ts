import { permission, type ApiKeyScope, type Permission, type UserRole } from '@boomerang/engine/core/views/auth';

export type { Permission };

/** Who is calling: an API key (integrations) or a signed-in editor user. */
export type Principal =
  { kind: 'key'; id: string; prefix: string; scopes: ApiKeyScope[] } | { kind: 'user'; id: string; email: string; role: UserRole };

const all = permission.options;
export const rolePermissions: Record<UserRole, readonly Permission[]> = {
  admin: all,
  editor: ['read', 'ingest', 'design'],
  viewer: ['read'],
};
export const scopePermissions: Record<ApiKeyScope, readonly Permission[]> = {
  admin: all,
  ingest: ['ingest'],
};

export function permissionsOf(principal: Principal): Set<Permission> {
  if (principal.kind === 'user') return new Set(rolePermissions[principal.role]);
  return new Set(principal.scopes.flatMap((scope) => scopePermissions[scope]));
}

/** The audit trail's "who": `user:<email>` or `key:<prefix>`. */
export function actorOf(principal: Principal): string {
  return principal.kind === 'user' ? `user:${principal.email}` : `key:${principal.prefix}`;
}

/** Viewers get contacts and messages with e-mail addresses and phone numbers masked. */
export function masksPersonalData(principal: Principal): boolean {
  return principal.kind === 'user' && principal.role === 'viewer';
}
