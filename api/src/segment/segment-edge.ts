/**
 * Segment's HTTP Tracking API at the root of the server (`POST /v1/identify|track|page|screen|group|alias|batch`,
 * `/v1/import`, and the one-letter forms `/v1/i|t|p|s|g|a|b`), answered before Express, like the ingestion edge of
 * `POST /api/events` (contacts/ingestion-edge.ts) and for the same reason: the SDKs post small batches often.
 *
 * It speaks Segment's protocol, not the /api one: the write key is HTTP Basic `base64(key + ":")` or `writeKey` in
 * the body (an API key with the `ingest` scope; unknown → 401), any content type is read as JSON (gzip and deflate
 * bodies are inflated), malformed JSON and a body over Segment's limits (32 KB a call, 500 KB a batch) are 400, as
 * Segment answers them (its SDKs do not retry a 400). The ingestion rate limit of `security.ts` counts these calls
 * with `POST /api/events` per credential and answers 429 with `Retry-After`. The helmet headers are the app's.
 */
import { Logger, type INestApplication } from '@nestjs/common';
import { json } from 'express';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { APP_CONFIG, type AppConfig } from '../config';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { sendJson } from '../common/json-body';
import type { SecurityLayer } from '../security/security';
import type { SegmentType } from './segment-mapping';
import { SegmentService, writeKeyOf, type SegmentAnswer } from './segment.service';

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

const kinds: Record<string, SegmentType | 'batch' | 'webhook'> = {
  identify: 'identify',
  i: 'identify',
  track: 'track',
  t: 'track',
  page: 'page',
  p: 'page',
  screen: 'screen',
  s: 'screen',
  group: 'group',
  g: 'group',
  alias: 'alias',
  a: 'alias',
  batch: 'batch',
  b: 'batch',
  import: 'batch',
  webhook: 'webhook',
};

type Kind = SegmentType | 'batch' | 'webhook';

/** Every path the edge answers (`POST`), with the call it is: the OpenAPI document lists exactly these. */
export const segmentRoutes: readonly { path: string; kind: Kind }[] = Object.entries(kinds).map(([name, kind]) => ({
  path: `/v1/${name}`,
  kind,
}));

/** Segment's size limits, in bytes of the (inflated) body. */
export const MAX_CALL_BYTES = 32 * 1024;
export const MAX_BATCH_BYTES = 500 * 1024;

/** The Segment call a request is (`identify`, …, `batch`, `webhook`), or undefined when it is not one. */
export function segmentKind(req: IncomingMessage): Kind | undefined {
  if (req.method !== 'POST') return undefined;
  const url = req.url ?? '';
  const q = url.indexOf('?');
  const match = /^\/v1\/(\w+)\/?$/.exec(q < 0 ? url : url.slice(0, q));
  return match ? kinds[match[1]] : undefined;
}

type BodyRequest = IncomingMessage & { body?: unknown; bodyBytes?: number; rawBody?: Buffer };

/**
 * Segment's Webhooks destination signs each request: `X-Signature` = hex HMAC-SHA1 of the raw body with the shared
 * secret (SEGMENT_WEBHOOK_SECRET). True when it matches.
 */
export function validWebhookSignature(secret: string, raw: Buffer, signature: string | string[] | undefined): boolean {
  if (typeof signature !== 'string' || !/^[0-9a-f]{40}$/i.test(signature.trim())) return false;
  const expected = createHmac('sha1', secret).update(raw).digest();
  return timingSafeEqual(expected, Buffer.from(signature.trim(), 'hex'));
}

export function installSegmentEdge(app: INestApplication, security: SecurityLayer): void {
  const server = app.getHttpServer() as Server;
  const next = server.listeners('request') as Listener[];
  if (next.length !== 1) throw new Error(`segment edge: expected one request listener, found ${next.length}`);
  const segment = app.get(SegmentService);
  const webhookSecret = app.get<AppConfig>(APP_CONFIG).SEGMENT_WEBHOOK_SECRET;
  const logger = new Logger('SegmentEdge');
  const parse = json({
    limit: MAX_BATCH_BYTES,
    type: () => true,
    verify: (req, _res, buf) => {
      (req as BodyRequest).bodyBytes = buf.length;
      if ((req as BodyRequest).url?.startsWith('/v1/webhook')) (req as BodyRequest).rawBody = buf;
    },
  }) as unknown as (req: IncomingMessage, res: ServerResponse, done: (error?: unknown) => void) => void;

  const readBody = (req: BodyRequest, res: ServerResponse) =>
    new Promise<boolean>((resolve) =>
      parse(req, res, (error?: unknown) => {
        if (!error) return resolve(true);
        const e = error as { type?: string; message?: string };
        answer(res, {
          status: 400,
          body: {
            success: false,
            message:
              e.type === 'entity.too.large'
                ? `body: larger than Segment's ${MAX_BATCH_BYTES / 1024} KB limit for a batch; send smaller batches`
                : `body: malformed JSON (${e.message ?? 'unreadable'})`,
          },
        });
        resolve(false);
      }),
    );

  /** Segment's Webhooks destination: one message, an array of them or `{batch}`, signed with the shared secret. */
  const webhook = async (req: BodyRequest, res: ServerResponse): Promise<void> => {
    if (!webhookSecret)
      return answer(res, { status: 404, body: { success: false, message: 'the Segment webhook is off: set SEGMENT_WEBHOOK_SECRET' } });
    if (!(await readBody(req, res))) return;
    if (!validWebhookSignature(webhookSecret, req.rawBody ?? Buffer.alloc(0), req.headers['x-signature']))
      return answer(res, {
        status: 401,
        body: { success: false, message: 'X-Signature: missing or not the HMAC-SHA1 of the body with the shared secret' },
      });
    const refusal = security.limits.check('POST', '/api/events', req.socket.remoteAddress, 'segment-webhook');
    if (refusal) {
      res.setHeader('Retry-After', String(refusal.retryAfterSeconds));
      return answer(res, { status: 429, body: { success: false, message: refusal.message } });
    }
    const body = req.body as { batch?: unknown } | unknown[];
    const batch = Array.isArray(body) ? body : Array.isArray(body?.batch) ? body.batch : [body];
    answer(res, await segment.receive('batch', { batch }));
  };

  const handle = async (kind: Kind, req: BodyRequest, res: ServerResponse): Promise<void> => {
    if (kind === 'webhook') return webhook(req, res);
    if (!(await readBody(req, res))) return;
    if (kind !== 'batch' && (req.bodyBytes ?? 0) > MAX_CALL_BYTES)
      return answer(res, { status: 400, body: { success: false, message: `body: larger than Segment's 32 KB limit for one call` } });
    const writeKey = writeKeyOf(req.headers.authorization, req.body);
    // counted with POST /api/events, per credential (the body's write key counts as the same key sent as Basic)
    const credential = req.headers.authorization ?? (writeKey ? `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}` : undefined);
    const refusal = security.limits.check('POST', '/api/events', req.socket.remoteAddress, credential);
    if (refusal) {
      res.setHeader('Retry-After', String(refusal.retryAfterSeconds));
      return answer(res, { status: 429, body: { success: false, message: refusal.message } });
    }
    const denied = await segment.authorize(writeKey);
    if (denied) return answer(res, denied);
    answer(res, await segment.receive(kind, req.body));
  };

  const fail = (res: ServerResponse, error: unknown): void => {
    if (res.headersSent) return void res.destroy();
    logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    // a 500 is retried by the SDKs: nothing partial is lost (messageIds make the retry store each event once)
    answer(res, { status: 500, body: { success: false, message: 'Internal server error' } });
  };

  server.removeAllListeners('request');
  server.on('request', function segmentEdge(req: IncomingMessage, res: ServerResponse) {
    const kind = segmentKind(req);
    if (!kind) return next[0](req, res);
    security.headers(req, res, (error?: unknown) => {
      if (error) return fail(res, error);
      handle(kind, req, res).catch((e: unknown) => fail(res, e));
    });
  });
}

function answer(res: ServerResponse, { status, body }: SegmentAnswer): void {
  sendJson(res, status, body);
}
