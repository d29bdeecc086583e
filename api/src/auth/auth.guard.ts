import { CanActivate, ExecutionContext, ForbiddenException, Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config';
import { Reflector } from '@nestjs/core';
import { ACCESS, AuthenticatedRequest } from './access.decorator';
import { Authenticator } from './authenticator';
import type { Permission } from './principal';
import { IS_PUBLIC } from './public.decorator';

/**
 * Every route needs credentials unless marked @Public(): `Authorization: Bearer <api key | session token>` or the
 * session cookie. Then the route's @Access() permission (default `admin`) must be one the caller holds.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly ownOrigins: Set<string>;

  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
    @Inject(APP_CONFIG) config: Pick<AppConfig, 'PUBLIC_URL' | 'CORS_ORIGINS'>,
  ) {
    this.ownOrigins = new Set([new URL(config.PUBLIC_URL).origin, ...config.CORS_ORIGINS]);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const principal = await this.authenticator.authenticate(request.headers);
    this.refuseCrossSiteCookie(request);
    request.principal = principal;
    this.authenticator.authorize(principal, this.reflector.getAllAndOverride<Permission | 'any' | undefined>(ACCESS, targets) ?? 'admin');
    return true;
  }

  /**
   * A change made with the session cookie (not an `Authorization` header) must come from this server's own pages:
   * a foreign `Origin` is another site riding the signed-in user's cookie (cross-site request forgery). The editor
   * sends its token as a header, so only such forgeries and same-origin forms are affected (issue 20).
   */
  private refuseCrossSiteCookie(request: AuthenticatedRequest): void {
    if (request.headers.authorization || ['GET', 'HEAD', 'OPTIONS'].includes(request.method)) return;
    const origin = request.headers.origin;
    if (!origin) return; // not a browser's cross-site request: browsers send Origin on every cross-origin POST
    const own = `${request.protocol}://${request.headers.host ?? ''}`;
    if (origin === own || this.ownOrigins.has(origin)) return;
    throw new ForbiddenException(
      `a change signed in with the session cookie must come from this server's pages, not ${origin.slice(0, 100)}`,
    );
  }
}
