import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
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
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const principal = await this.authenticator.authenticate(request.headers);
    request.principal = principal;
    this.authenticator.authorize(principal, this.reflector.getAllAndOverride<Permission | 'any' | undefined>(ACCESS, targets) ?? 'admin');
    return true;
  }
}
