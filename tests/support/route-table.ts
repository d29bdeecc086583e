/**
 * The Nest route table, read from the controllers' own metadata (the decorators Nest routes by): every method and
 * full path, with the permission its @Access() declares (default admin, as AuthGuard applies it) or `public`.
 * The security matrix and the OpenAPI comparison are generated from it, so a new route cannot slip past either.
 */
import type { INestApplication } from '@nestjs/common';
import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import { ACCESS } from '../../api/src/auth/access.decorator';
import type { Permission } from '../../api/src/auth/principal';
import { IS_PUBLIC } from '../../api/src/auth/public.decorator';

export interface Route {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Express style, e.g. /api/flows/:id */
  path: string;
  access: Permission | 'any' | 'public';
  controller: string;
  handler: string;
}

/** Paths outside the global `api` prefix (bootstrap.ts excludes them). */
const unprefixed = [/^\/t(\/|$)/, /^\/metrics$/];

function join(...parts: string[]): string {
  const path = `/${parts
    .map((p) => p.replace(/^\/+|\/+$/g, ''))
    .filter(Boolean)
    .join('/')}`;
  return path;
}

export function routeTable(app: INestApplication): Route[] {
  const routes: Route[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const type = wrapper.metatype as (new (...args: never[]) => object) | null;
      if (!type) continue;
      const base = (Reflect.getMetadata(PATH_METADATA, type) as string | string[] | undefined) ?? '';
      const classPublic = Reflect.getMetadata(IS_PUBLIC, type) as boolean | undefined;
      const classAccess = Reflect.getMetadata(ACCESS, type) as Permission | 'any' | undefined;
      for (const name of Object.getOwnPropertyNames(type.prototype)) {
        if (name === 'constructor') continue;
        const handler = (type.prototype as Record<string, unknown>)[name];
        if (typeof handler !== 'function') continue;
        const sub = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (sub === undefined || method === undefined) continue;
        const isPublic = (Reflect.getMetadata(IS_PUBLIC, handler) as boolean | undefined) ?? classPublic ?? false;
        const access = isPublic
          ? 'public'
          : ((Reflect.getMetadata(ACCESS, handler) as Permission | 'any' | undefined) ?? classAccess ?? 'admin');
        for (const b of Array.isArray(base) ? base : [base]) {
          for (const s of Array.isArray(sub) ? sub : [sub]) {
            const local = join(b, s);
            const path = unprefixed.some((p) => p.test(local)) ? local : join('api', local);
            routes.push({
              method: RequestMethod[method].toLowerCase() as Route['method'],
              path,
              access,
              controller: type.name,
              handler: name,
            });
          }
        }
      }
    }
  }
  return routes.sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
}

/** A concrete URL for a route: every path parameter filled with a value of a plausible shape. */
export function sampleUrl(path: string): string {
  return path
    .replace(/:id\b/g, '00000000-0000-4000-8000-000000000000')
    .replace(/:channel\b/g, 'sms')
    .replace(/:(\w+)/g, 'sample')
    .replace(/\{\*\w+\}/g, 'sample');
}
