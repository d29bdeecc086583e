/**
 * The ingestion edge answers POST /api/events before Express. Every answer must be the one the Nest route gives: the
 * same request is sent both ways — without an Origin header (the edge takes it) and with one (Express and the Nest
 * route take it; CORS is closed, so the header changes nothing else) — and status, body and security headers compared.
 */
import type { Server } from 'node:http';
import { ApiHarness, startApi } from '../support/api-app';

let api: ApiHarness;
beforeAll(async () => {
  api = await startApi('ingestion_edge', { RATE_LIMIT_INGEST: '1000' });
});
afterAll(() => api?.close());

interface Answer {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

const securityHeaders = [
  'content-security-policy',
  'x-content-type-options',
  'x-frame-options',
  'strict-transport-security',
  'content-type',
];

async function both(send: (via: 'edge' | 'express') => Promise<{ status: number; body: unknown; headers: Record<string, string> }>) {
  const [edge, express] = [await send('edge'), await send('express')];
  const view = (a: Answer) => ({
    status: a.status,
    body: a.body,
    headers: Object.fromEntries(securityHeaders.map((h) => [h, a.headers[h]])),
    poweredBy: a.headers['x-powered-by'],
  });
  return { edge: view(edge), express: view(express) };
}

const post = (via: 'edge' | 'express', auth: string | null, body: string, type = 'application/json') => {
  let req = api.http().post('/api/events').set('Content-Type', type);
  if (via === 'express') req = req.set('Origin', 'https://elsewhere.example');
  if (auth) req = req.set('Authorization', auth);
  return req.send(body);
};

describe('the ingestion edge', () => {
  it('is the server’s request listener, in front of Express', () => {
    expect((api.app.getHttpServer() as Server).listeners('request').map((l) => l.name)).toEqual(['ingestionEdge']);
  });

  it('stores what the Nest route stores and answers the same, rejected items by index', async () => {
    const batch = JSON.stringify([
      { externalId: 'edge-1', name: 'app_open', occurredAt: '2026-11-01T10:00:00Z', properties: { a: 1 } },
      { externalId: '', name: 'app_open' },
      { externalId: 'edge-2', name: 'order_paid', properties: { cents: 1999 } },
    ]);
    const { edge, express } = await both((via) => post(via, api.admin, batch));
    expect(edge).toEqual(express);
    expect(edge.status).toBe(200);
    expect(edge.body).toMatchObject({ accepted: 2, rejected: [{ index: 1 }] });
    const stored = await api.sql<{ external_id: string; n: number }>(
      `SELECT c.external_id, count(*)::int AS n FROM events e JOIN contacts c ON c.id = e.contact_id GROUP BY 1 ORDER BY 1`,
    );
    expect(stored).toEqual([
      { external_id: 'edge-1', n: 2 },
      { external_id: 'edge-2', n: 2 },
    ]);
  });

  it.each([
    ['no credentials', null, '[]'],
    ['a malformed Authorization header', 'Basic abc', '[]'],
    ['an unknown key', 'Bearer not-a-key-0123456789abcdef', '[]'],
    ['malformed JSON', 'admin', '[{"externalId": "x",'],
    ['the NUL character', 'admin', '[{"externalId":"a\\u0000b","name":"x"}]'],
    ['a body that is not a list', 'admin', '{"externalId":"x"}'],
    ['an empty list', 'admin', '[]'],
  ])('refuses %s exactly as the Nest route does', async (_, auth, body) => {
    const { edge, express } = await both((via) => post(via, auth === 'admin' ? api.admin : auth, body));
    expect(edge).toEqual(express);
  });

  it('refuses a viewer (no ingest permission) with the same 403 and accepts an ingest-only key', async () => {
    const viewer = await api.userToken('viewer');
    const refused = await both((via) => post(via, viewer, '[{"externalId":"v","name":"x"}]'));
    expect(refused.edge).toEqual(refused.express);
    expect(refused.edge.status).toBe(403);
    const ingestKey = await api.keyToken(['ingest']);
    const taken = await both((via) => post(via, ingestKey, '[{"externalId":"k","name":"x"}]'));
    expect(taken.edge).toEqual(taken.express);
    expect(taken.edge.body).toEqual({ accepted: 1, rejected: [] });
  });

  it('answers an oversized body with the same 413', async () => {
    const huge = JSON.stringify([{ externalId: 'big', name: 'x', properties: { blob: 'x'.repeat(21 * 1024 * 1024) } }]);
    const { edge, express } = await both((via) => post(via, api.admin, huge));
    expect(edge).toEqual(express);
    expect(edge.status).toBe(413);
  });
});

describe('the ingestion edge’s rate limit', () => {
  let limited: ApiHarness;
  beforeAll(async () => {
    limited = await startApi('ingestion_edge_limit', { RATE_LIMIT_INGEST: '4' });
  });
  afterAll(() => limited?.close());

  it('counts a credential’s requests once whichever way they came, and refuses the same way', async () => {
    const send = (origin: boolean) => {
      const req = limited.http().post('/api/events').set('Content-Type', 'application/json').set('Authorization', limited.admin);
      return (origin ? req.set('Origin', 'https://elsewhere.example') : req).send('[{"externalId":"r","name":"x"}]');
    };
    const statuses = [];
    for (const origin of [false, true, false, true]) statuses.push((await send(origin)).status);
    expect(statuses).toEqual([200, 200, 200, 200]);
    const [edge, express] = [await send(false), await send(true)];
    expect(edge.status).toBe(429);
    expect(edge.headers['retry-after']).toMatch(/^\d+$/);
    expect({ status: edge.status, body: edge.body }).toEqual({ status: express.status, body: express.body });
  });
});
