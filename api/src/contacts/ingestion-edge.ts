/**
 * `POST /api/events` answered before Express. Server-side `track` calls arrive one event per request, and Express 5
 * with Nest's router cost ~0.3 ms of CPU per request here against ~0.04 ms for Node's own HTTP server: on two cores
 * shared with PostgreSQL that overhead, not the database, capped single-event ingestion (bench/README.md).
 *
 * The edge runs the same steps in the same order as the Nest route (`EventsController`), with the same parts: the
 * helmet headers and rate limits of `security.ts`, the JSON body parser of `json-body.ts`, `Authenticator` (the
 * guard's own), `EventsService.ingest`, and Nest's answer for an HttpException. Anything it does not recognise
 * exactly — another path or method, a browser request (Origin: CORS is Express's), a body that is not JSON — goes to
 * Express untouched, where the Nest route answers it as before. The route stays in Nest, so the OpenAPI document,
 * the security matrix and the route table still describe it.
 */
import { HttpException, Logger, type INestApplication } from '@nestjs/common';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Authenticator } from '../auth/authenticator';
import { jsonBodyReader, sendJson } from '../common/json-body';
import type { SecurityLayer } from '../security/security';
import { EventsService } from './contacts.service';

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

const PATH = '/api/events';

/** The requests the edge takes: a JSON POST to exactly /api/events, from a server (no Origin). */
export function isEdgeRequest(req: IncomingMessage): boolean {
  if (req.method !== 'POST' || req.headers.origin !== undefined) return false;
  const url = req.url ?? '';
  const q = url.indexOf('?');
  if ((q < 0 ? url : url.slice(0, q)) !== PATH) return false;
  const type = req.headers['content-type'];
  return type !== undefined && /^application\/json\s*(;|$)/i.test(type);
}

export function installIngestionEdge(app: INestApplication, security: SecurityLayer, bodyLimit: string): void {
  const server = app.getHttpServer() as Server;
  const express = server.listeners('request') as Listener[];
  if (express.length !== 1)
    throw new Error(`ingestion edge: expected one request listener (Express, or the Segment edge in front of it), found ${express.length}`);
  const events = app.get(EventsService);
  const authenticator = app.get(Authenticator);
  const readBody = jsonBodyReader(bodyLimit);
  const logger = new Logger('IngestionEdge');

  const ingest = async (req: IncomingMessage & { body?: unknown }, res: ServerResponse): Promise<void> => {
    const refusal = security.limits.check('POST', PATH, req.socket.remoteAddress, req.headers.authorization);
    if (refusal) {
      res.setHeader('Retry-After', String(refusal.retryAfterSeconds));
      return sendJson(res, 429, { statusCode: 429, error: 'Too Many Requests', message: refusal.message });
    }
    // malformed or oversized bodies are answered by the reader (400/413 naming the body)
    if (!(await readBody(req, res))) return;
    const principal = await authenticator.authenticate(req.headers);
    authenticator.authorize(principal, 'ingest');
    sendJson(res, 200, await events.ingest(req.body));
  };

  const answerError = (res: ServerResponse, error: unknown): void => {
    if (res.headersSent) return void res.destroy();
    if (error instanceof HttpException) {
      const body = error.getResponse();
      return sendJson(res, error.getStatus(), typeof body === 'string' ? { statusCode: error.getStatus(), message: body } : body);
    }
    logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    sendJson(res, 500, { statusCode: 500, message: 'Internal server error' });
  };

  server.removeAllListeners('request');
  server.on('request', function ingestionEdge(req: IncomingMessage, res: ServerResponse) {
    if (!isEdgeRequest(req)) return express[0](req, res);
    security.headers(req, res, (error?: unknown) => {
      if (error) return answerError(res, error);
      ingest(req, res).catch((e: unknown) => answerError(res, e));
    });
  });
}
