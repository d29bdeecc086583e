/**
 * Every JSON answer of the in-process API, checked against the view its route documents (the shared zod schemas in
 * `engine/src/core/views/`, via the OpenAPI operations): a field missing, of another type, or not documented at all
 * turns the answer into a 500 that names the drift, and the harness's `close()` fails the spec with every drift seen.
 */
import { CallHandler, ExecutionContext, HttpException, HttpStatus, Injectable, NestInterceptor } from '@nestjs/common';
import { map, type Observable } from 'rxjs';
import type { z } from 'zod';
import { documentedResponse } from '../../api/src/docs/openapi';
import { formatPath } from '@boomerang/engine';

/** What `view` finds wrong with `body` as it goes on the wire; null when it is exactly the documented shape. */
export function viewDrift(view: z.ZodType, body: unknown): string | null {
  const wire: unknown = JSON.parse(JSON.stringify(body));
  const parsed = view.safeParse(wire);
  if (!parsed.success) return parsed.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`).join('; ');
  // parsing drops the keys a view does not declare: what the answer has beyond its parse is undocumented
  const extra = undocumented(wire, parsed.data, []);
  return extra.length ? `undocumented ${extra.join(', ')}` : null;
}

function undocumented(wire: unknown, parsed: unknown, path: PropertyKey[]): string[] {
  if (typeof wire !== 'object' || wire === null || typeof parsed !== 'object' || parsed === null) return [];
  return Object.entries(wire).flatMap(([key, value]) => {
    const at = [...path, Array.isArray(wire) ? Number(key) : key];
    return key in parsed ? undocumented(value, (parsed as Record<string, unknown>)[key], at) : [formatPath(at)];
  });
}

@Injectable()
export class ViewCheckInterceptor implements NestInterceptor {
  readonly drifts: string[] = [];

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<{ method: string; route?: { path: string } }>();
    const path = request.route?.path.replace(/:(\w+)/g, '{$1}');
    const view = path ? documentedResponse(request.method.toLowerCase(), path) : undefined;
    return next.handle().pipe(
      map((body: unknown) => {
        if (!view || body === undefined) return body;
        const drift = viewDrift(view, body);
        if (!drift) return body;
        const message = `${request.method} ${path} answered outside its documented view: ${drift}`;
        this.drifts.push(message);
        throw new HttpException(message, HttpStatus.INTERNAL_SERVER_ERROR);
      }),
    );
  }
}
