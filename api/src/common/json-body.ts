import { json } from 'express';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Reads a JSON body into `req.body` with answers a client can act on: malformed JSON is a 400 saying so, an oversized
 * body a 413 naming the limit — instead of Express's HTML error page. Resolves false when it answered the request.
 * Plain Node request and response, so the ingestion edge reads bodies exactly as the Express app does.
 */
export function jsonBodyReader(limit: string): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  // NUL, lone surrogates, `__proto__` keys and deep nesting are refused by field where the body is validated (storable-json.ts)
  const parse = json({ limit }) as unknown as (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;
  return (req, res) =>
    new Promise<boolean>((resolve) =>
      parse(req, res, (error?: unknown) => {
        if (!error) return resolve(true);
        const e = error as { type?: string; status?: number; message?: string };
        if (e.type === 'entity.too.large') refuse(res, 413, 'body', `larger than the ${limit} limit; send smaller batches`);
        else if (e.type === 'entity.parse.failed') refuse(res, 400, 'body', `malformed JSON (${e.message ?? 'parse error'})`);
        else refuse(res, e.status && e.status >= 400 && e.status < 500 ? e.status : 400, 'body', e.message ?? 'unreadable');
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

/** A path parameter with %00 (an externalId, say) would reach PostgreSQL text, which cannot hold it: a 400 here. */
export function refuseNulInPath(req: Request, res: Response, next: NextFunction): void {
  if (/%00/.test(req.path)) return void refuse(res, 400, 'path', 'contains the NUL character (%00), which cannot be stored');
  next();
}

/** A JSON answer on a plain Node response (what Express's `res.status(s).json(b)` sends, without Express). */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

function refuse(res: ServerResponse, status: number, path: string, problem: string): void {
  const message = `${path}: ${problem}`;
  sendJson(res, status, { statusCode: status, message, errors: [{ path, message }] });
}
