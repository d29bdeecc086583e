import { ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import type { IncomingHttpHeaders } from 'node:http';
import { ApiKeysRepository } from './api-keys.repository';
import { Permission, permissionsOf, Principal } from './principal';
import { hashSessionToken, isSessionToken, sessionCookie } from './session-token';
import { SessionsRepository } from './sessions.repository';

/**
 * Who is calling and whether they may: `Authorization: Bearer <api key | session token>` or the session cookie. Used
 * by AuthGuard for every Nest route and by the ingestion edge (`contacts/ingestion-edge.ts`), so both answer alike.
 */
@Injectable()
export class Authenticator {
  constructor(
    private readonly keys: ApiKeysRepository,
    private readonly sessions: SessionsRepository,
  ) {}

  async authenticate(headers: IncomingHttpHeaders): Promise<Principal> {
    const header = headers.authorization;
    const bearer = header ? /^Bearer\s+(\S+)$/i.exec(header)?.[1] : undefined;
    if (header && !bearer) throw new UnauthorizedException('Authorization must be "Bearer <api key or session token>"');
    const token = bearer ?? sessionCookie(headers.cookie);
    if (!token) throw new UnauthorizedException('Authorization: Bearer <api key> (or a session from POST /api/auth/login) is required');
    if (isSessionToken(token)) {
      const user = await this.sessions.findUser(hashSessionToken(token));
      if (!user) throw new UnauthorizedException('the session is unknown or expired; sign in again');
      return { kind: 'user', id: user.id, email: user.email, role: user.role };
    }
    const key = await this.keys.findActiveByPlaintext(token);
    if (!key) throw new UnauthorizedException('the API key is unknown or revoked');
    return { kind: 'key', id: key.id, prefix: key.prefix, scopes: key.scopes };
  }

  /** Throws 403 naming the permission when `principal` lacks it (`any`: every valid credential). */
  authorize(principal: Principal, needed: Permission | 'any'): void {
    if (needed === 'any' || permissionsOf(principal).has(needed)) return;
    const who = principal.kind === 'user' ? `role "${principal.role}"` : `an API key with scopes ${principal.scopes.join(', ')}`;
    throw new ForbiddenException(`this needs the "${needed}" permission, which ${who} does not have`);
  }
}
