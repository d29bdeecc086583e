import { json } from 'express';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

/**
 * The JSON body parser with answers a client can act on: malformed JSON is a 400 saying so, an oversized body a 413
 * naming the limit — instead of Express's HTML error page.
 */
export function jsonBody(limit: string): RequestHandler {
  // NUL, lone surrogates, `__proto__` keys and deep nesting are refused by field where the body is parsed (storable-json.ts)
  const parse = json({ limit });
  return (req: Request, res: Response, next: NextFunction) => {
    parse(req, res, (error?: unknown) => {
      if (!error) return next();
      const e = error as { type?: string; status?: number; message?: string };
      if (e.type === 'entity.too.large') return refuse(res, 413, 'body', `larger than the ${limit} limit; send smaller batches`);
      if (e.type === 'entity.parse.failed') return refuse(res, 400, 'body', `malformed JSON (${e.message ?? 'parse error'})`);
      return refuse(res, e.status && e.status >= 400 && e.status < 500 ? e.status : 400, 'body', e.message ?? 'unreadable');
    });
  };
}

/** A path parameter with %00 (an externalId, say) would reach PostgreSQL text, which cannot hold it: a 400 here. */
export function refuseNulInPath(req: Request, res: Response, next: NextFunction): void {
  if (/%00/.test(req.path)) return void refuse(res, 400, 'path', 'contains the NUL character (%00), which cannot be stored');
  next();
}

function refuse(res: Response, status: number, path: string, problem: string): void {
  const message = `${path}: ${problem}`;
  res.status(status).json({ statusCode: status, message, errors: [{ path, message }] });
}
