import { json } from 'express';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Reads a JSON body into `req.body` with answers a client can act on: malformed JSON is a 400 saying so, an oversized
 * body a 413 naming the limit — instead of Express's HTML error page. Resolves false when it answered the request.
 * Plain Node request and response, so the ingestion edge reads bodies exactly as the Express app does.
 */
export function jsonBodyReader(limit: string): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  const parse = json({
    limit,
    // PostgreSQL text and jsonb cannot hold U+0000: refuse it here rather than fail deep in a query
    verify: (_req, _res, buf) => {
      if (buf.includes('\\u0000')) {
        throw Object.assign(new Error('the NUL character (\\u0000) is not allowed in strings'), { status: 400, type: 'nul.character' });
      }
    },
  }) as unknown as (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;
  return (req, res) =>
    new Promise<boolean>((resolve) =>
      parse(req, res, (error?: unknown) => {
        if (!error) return resolve(true);
        const e = error as { type?: string; status?: number; message?: string };
        if (e.type === 'entity.too.large') refuse(res, 413, `larger than the ${limit} limit; send smaller batches`);
        else if (e.type === 'entity.parse.failed') refuse(res, 400, `malformed JSON (${e.message ?? 'parse error'})`);
        else refuse(res, e.status && e.status >= 400 && e.status < 500 ? e.status : 400, e.message ?? 'unreadable');
        resolve(false);
      }),
    );
}

/** The Express middleware of `jsonBodyReader`. */
export function jsonBody(limit: string): RequestHandler {
  const read = jsonBodyReader(limit);
  return (req: Request, res: Response, next: NextFunction) => {
    read(req, res).then((parsed) => parsed && next(), next);
  };
}

/** A JSON answer on a plain Node response (what Express's `res.status(s).json(b)` sends, without Express). */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

function refuse(res: ServerResponse, status: number, problem: string): void {
  const message = `body: ${problem}`;
  sendJson(res, status, { statusCode: status, message, errors: [{ path: 'body', message }] });
}
