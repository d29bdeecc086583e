import { json } from 'express';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

/**
 * The JSON body parser with answers a client can act on: malformed JSON is a 400 saying so, an oversized body a 413
 * naming the limit — instead of Express's HTML error page.
 */
export function jsonBody(limit: string): RequestHandler {
  const parse = json({
    limit,
    // PostgreSQL text and jsonb cannot hold U+0000: refuse it here rather than fail deep in a query
    verify: (_req, _res, buf) => {
      if (buf.includes('\\u0000')) {
        throw Object.assign(new Error('the NUL character (\\u0000) is not allowed in strings'), { status: 400, type: 'nul.character' });
      }
    },
  });
  return (req: Request, res: Response, next: NextFunction) => {
    parse(req, res, (error?: unknown) => {
      if (!error) return next();
      const e = error as { type?: string; status?: number; message?: string };
      if (e.type === 'entity.too.large') {
        const message = `body: larger than the ${limit} limit; send smaller batches`;
        return res.status(413).json({ statusCode: 413, message, errors: [{ path: 'body', message }] });
      }
      if (e.type === 'entity.parse.failed') {
        const message = `body: malformed JSON (${e.message ?? 'parse error'})`;
        return res.status(400).json({ statusCode: 400, message, errors: [{ path: 'body', message }] });
      }
      const status = e.status && e.status >= 400 && e.status < 500 ? e.status : 400;
      const message = `body: ${e.message ?? 'unreadable'}`;
      return res.status(status).json({ statusCode: status, message, errors: [{ path: 'body', message }] });
    });
  };
}
