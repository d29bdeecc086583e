import { CanActivate, ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ACCESS, AuthenticatedRequest } from './access.decorator';
import { ApiKeysRepository } from './api-keys.repository';
import { Permission, permissionsOf, Principal } from './principal';
import { IS_PUBLIC } from './public.decorator';
import { hashSessionToken, isSessionToken, sessionCookie } from './session-token';
import { SessionsRepository } from './sessions.repository';

/**
 * Every route needs credentials unless marked @Public(): `Authorization: Bearer <api key | session token>` or the
 * session cookie. Then the route's @Access() permission (default `admin`) must be one the caller holds.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeysRepository,
    private readonly sessions: SessionsRepository,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const principal = await this.authenticate(request);
    request.principal = principal;
    const needed = this.reflector.getAllAndOverride<Permission | 'any' | undefined>(ACCESS, targets) ?? 'admin';
    if (needed !== 'any' && !permissionsOf(principal).has(needed)) {
      const who = principal.kind === 'user' ? `role "${principal.role}"` : `an API key with scopes ${principal.scopes.join(', ')}`;
      throw new ForbiddenException(`this needs the "${needed}" permission, which ${who} does not have`);
    }
    return true;
  }

  private async authenticate(request: AuthenticatedRequest): Promise<Principal> {
    const header = request.headers.authorization;
    const bearer = header ? /^Bearer\s+(\S+)$/i.exec(header)?.[1] : undefined;
    if (header && !bearer) throw new UnauthorizedException('Authorization must be "Bearer <api key or session token>"');
    const token = bearer ?? sessionCookie(request.headers.cookie);
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
}
