import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Request } from 'express';
import type { Permission, Principal } from './principal';

export const ACCESS = 'boomerang:access';
/**
 * The permission a route needs (`any`: every valid credential). Routes without @Access() need `admin`: forgetting the decorator fails closed.
 */
export const Access = (permission: Permission | 'any') => SetMetadata(ACCESS, permission);

export type AuthenticatedRequest = Request & { principal?: Principal };

/** The caller, as established by AuthGuard. */
export const Caller = createParamDecorator((_: unknown, context: ExecutionContext): Principal => {
  const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new Error('@Caller() used on a @Public() route');
  return principal;
});
