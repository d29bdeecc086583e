import { ConflictException, Injectable, NotFoundException, UnauthorizedException } from '@nestjs/common';
import { AuditWriter } from '../common/audit-writer';
import type { ApiKeyView, MeView, SessionView, UserView } from '@boomerang/engine/core/views/auth';
import type { Page } from '@boomerang/engine/core/views/page';
import { generateApiKey } from './api-key-hash';
import { ApiKeyRow, ApiKeysRepository } from './api-keys.repository';
import type { CreateApiKeyBody, CreateUserBody, LoginBody, UpdateUserBody } from './auth.dto';
import { decoyHash, hashPassword, verifyPassword } from './password';
import { actorOf, permissionsOf, Principal } from './principal';
import { generateSessionToken, hashSessionToken, SESSION_TTL_MS } from './session-token';
import { SessionsRepository } from './sessions.repository';
import { UserRow, UsersRepository } from './users.repository';

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersRepository,
    private readonly sessions: SessionsRepository,
    private readonly keys: ApiKeysRepository,
    private readonly audit: AuditWriter,
  ) {}

  /** One answer for "no such user", "disabled" and "wrong password", in the same time. */
  async login(body: LoginBody): Promise<SessionView> {
    const user = await this.users.findByEmail(body.email);
    const ok = await verifyPassword(body.password, user?.password_hash ?? (await decoyHash));
    if (!user || !ok || user.disabled_at) throw new UnauthorizedException('e-mail or password is wrong');
    const token = generateSessionToken();
    const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
    await this.sessions.insert(hashSessionToken(token), user.id, expiresAt);
    return { token, expiresAt: expiresAt.toISOString(), user: { id: user.id, email: user.email, role: user.role } };
  }

  async logout(token: string | undefined): Promise<void> {
    if (token) await this.sessions.delete(hashSessionToken(token));
  }

  me(principal: Principal): MeView {
    const permissions = [...permissionsOf(principal)];
    return principal.kind === 'user'
      ? { kind: 'user' as const, id: principal.id, email: principal.email, role: principal.role, permissions }
      : { kind: 'key' as const, id: principal.id, prefix: principal.prefix, scopes: principal.scopes, permissions };
  }

  async createUser(body: CreateUserBody, caller: Principal) {
    const hash = await hashPassword(body.password);
    return this.users.transaction(async (db) => {
      const user = await this.users.insert(db, body.email, hash, body.role);
      if (!user) throw new ConflictException(`a user with e-mail "${body.email}" exists`);
      await this.audit.record(db, {
        actor: actorOf(caller),
        action: 'user.created',
        entityType: 'user',
        entityId: user.id,
        detail: { email: user.email, role: user.role },
      });
      return userView(user);
    });
  }

  /**
   * Role, disabled, password. Disabling or a new password deletes every session of the user in the same
   * transaction: enabling them again later must not revive a session that disabling ended (issue 20).
   */
  async updateUser(id: string, body: UpdateUserBody, caller: Principal) {
    const passwordHash = body.password !== undefined ? await hashPassword(body.password) : undefined;
    return this.users.transaction(async (db) => {
      const demotes = (body.role !== undefined && body.role !== 'admin') || body.disabled === true;
      if (demotes && (await this.users.otherActiveAdmins(db, id)) === 0) {
        const [row]: { role: string }[] = await db.query(`SELECT role FROM users WHERE id = $1`, [id]);
        if (row?.role === 'admin') throw new ConflictException('this is the last admin who can sign in; make someone else admin first');
      }
      const user = await this.users.update(db, id, { role: body.role, disabled: body.disabled, passwordHash });
      if (!user) throw new NotFoundException(`user "${id}" not found`);
      const endsSessions = body.disabled === true || passwordHash !== undefined;
      const revoked = endsSessions ? await this.sessions.deleteAllOf(db, id) : 0;
      const { password: _password, ...visible } = body;
      await this.audit.record(db, {
        actor: actorOf(caller),
        action: 'user.updated',
        entityType: 'user',
        entityId: id,
        // never the password: that it changed is enough
        detail: {
          email: user.email,
          ...visible,
          ...(passwordHash ? { passwordChanged: true } : {}),
          ...(endsSessions ? { sessionsRevoked: revoked } : {}),
        },
      });
      return userView(user);
    });
  }

  /** Signs a user out everywhere: every session of theirs stops working at once (their next request is a 401). */
  async revokeSessions(id: string, caller: Principal) {
    return this.users.transaction(async (db) => {
      const [user]: { email: string }[] = await db.query(`SELECT email FROM users WHERE id = $1`, [id]);
      if (!user) throw new NotFoundException(`user "${id}" not found`);
      const revoked = await this.sessions.deleteAllOf(db, id);
      await this.audit.record(db, {
        actor: actorOf(caller),
        action: 'user.sessions_revoked',
        entityType: 'user',
        entityId: id,
        detail: { email: user.email, revoked },
      });
      return { revoked };
    });
  }

  async listUsers(): Promise<Page<UserView>> {
    return { items: (await this.users.list()).map(userView), nextCursor: null };
  }

  async createApiKey(body: CreateApiKeyBody, caller: Principal) {
    const plaintext = generateApiKey();
    const scopes = [...new Set(body.scopes)];
    return this.keys.transaction(async (db) => {
      const key = await this.keys.insertIn(db, body.name, plaintext, scopes);
      await this.audit.record(db, {
        actor: actorOf(caller),
        action: 'api_key.created',
        entityType: 'api_key',
        entityId: key.id,
        detail: { name: key.name, prefix: key.prefix, scopes },
      });
      return { ...apiKeyView(key), key: plaintext };
    });
  }

  async listApiKeys(): Promise<Page<ApiKeyView>> {
    return { items: (await this.keys.list()).map(apiKeyView), nextCursor: null };
  }

  async revokeApiKey(id: string, caller: Principal): Promise<void> {
    await this.keys.transaction(async (db) => {
      const key = await this.keys.revoke(db, id, new Date());
      if (!key) throw new NotFoundException(`API key "${id}" not found`);
      await this.audit.record(db, {
        actor: actorOf(caller),
        action: 'api_key.revoked',
        entityType: 'api_key',
        entityId: id,
        detail: { prefix: key.prefix },
      });
    });
  }
}

function userView(user: UserRow): UserView {
  return { id: user.id, email: user.email, role: user.role, createdAt: user.created_at.toISOString(), disabled: user.disabled_at !== null };
}

function apiKeyView(key: ApiKeyRow): ApiKeyView {
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    scopes: key.scopes,
    createdAt: key.created_at.toISOString(),
    lastUsedAt: key.last_used_at?.toISOString() ?? null,
  };
}
