/**
 * The OpenAPI document lists every route of the Nest route table (tests/support/route-table.ts) — no more, no less —
 * each with the access the route really has, a response, and a request schema where the route takes a body.
 */
import { documentedResponse } from '../../api/src/docs/openapi';
import { segmentRoutes } from '../../api/src/segment/segment-edge';
import { ADMIN_KEY, ApiHarness, startApi } from '../support/api-app';
import { routeTable, type Route } from '../support/route-table';
import { viewDrift } from '../support/view-check';
import { flowSummaryView } from '@boomerang/engine/core/views/flows';
import { pageView } from '@boomerang/engine/core/views/page';

let api: ApiHarness;
let routes: Route[];
let doc: { paths: Record<string, Record<string, { requestBody?: unknown; responses?: Record<string, unknown>; 'x-access'?: string }>> };

beforeAll(async () => {
  api = await startApi('openapi_routes');
  routes = routeTable(api.app);
  doc = (await api.http().get('/api/docs/openapi.json').expect(200)).body;
});
afterAll(() => api?.close());

const openApiPath = (path: string) => path.replace(/:(\w+)/g, '{$1}');

it('documents every route and nothing that is not a route', () => {
  // Nest's routes, and the Segment edge's, answered before Nest (api/src/segment/segment-edge.ts)
  const served = [...routes.map((r) => `${r.method} ${openApiPath(r.path)}`), ...segmentRoutes.map((r) => `post ${r.path}`)].sort();
  const documented = Object.entries(doc.paths)
    .flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method} ${path}`))
    .sort();
  expect({ missing: served.filter((r) => !documented.includes(r)), stale: documented.filter((d) => !served.includes(d)) }).toEqual({
    missing: [],
    stale: [],
  });
});

it('states for every operation the access the route really has', () => {
  const wrong: string[] = [];
  for (const route of routes) {
    const op = doc.paths[openApiPath(route.path)]?.[route.method] as { description?: string } | undefined;
    const expected = route.access === 'public' ? 'No credentials needed.' : `Permission: \`${route.access}\`.`;
    if (op && op.description !== expected)
      wrong.push(`${route.method} ${route.path}: documented "${op.description}", route needs ${route.access}`);
  }
  expect(wrong).toEqual([]);
});

it('gives every operation a response and every body-taking operation a request schema', () => {
  const problems: string[] = [];
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      if (!op.responses || !Object.keys(op.responses).length) problems.push(`${method} ${path}: no response`);
      const bodyless =
        method === 'get' || method === 'delete' || /\/(activate|pause|archive|logout|estimate)$/.test(path) || path.startsWith('/t/');
      if (!bodyless && !op.requestBody) problems.push(`${method} ${path}: no request body schema`);
    }
  }
  expect(problems).toEqual([]);
});

it('lists Segment’s /v1 calls with the write key (HTTP Basic), their bodies and the answer a real call gives', async () => {
  for (const path of [
    '/v1/identify',
    '/v1/track',
    '/v1/page',
    '/v1/screen',
    '/v1/group',
    '/v1/alias',
    '/v1/batch',
    '/v1/t',
    '/v1/b',
    '/v1/import',
  ]) {
    const op = doc.paths[path]?.post as { security?: unknown; requestBody?: unknown; description?: string } | undefined;
    expect(op).toBeDefined();
    expect(op!.security).toEqual([{ segmentWriteKey: [] }]);
    expect(op!.requestBody).toBeDefined();
    expect(op!.description).toContain('Permission: `ingest`');
  }
  expect(doc.paths['/v1/webhook'].post).toMatchObject({ security: [], responses: { '401': expect.anything(), '404': expect.anything() } });
  const track = doc.paths['/v1/track'].post as unknown as {
    requestBody: { content: { 'application/json': { schema: { properties: Record<string, unknown>; required?: string[] } } } };
  };
  const trackSchema = track.requestBody.content['application/json'].schema;
  expect(Object.keys(trackSchema.properties)).toEqual(
    expect.arrayContaining(['event', 'userId', 'anonymousId', 'properties', 'messageId', 'writeKey']),
  );
  expect(trackSchema.required).toContain('event');
  expect(
    (doc as unknown as { components: { securitySchemes: Record<string, unknown> } }).components.securitySchemes.segmentWriteKey,
  ).toEqual(expect.objectContaining({ type: 'http', scheme: 'basic' }));

  // what /v1/track really answers is the documented answer
  const basic = `Basic ${Buffer.from(`${ADMIN_KEY}:`).toString('base64')}`;
  const answer = (await api.http().post('/v1/track').set('Authorization', basic).send({ userId: 'u1', event: 'opened' }).expect(200)).body;
  expect(answer).toEqual({ success: true, accepted: 1, rejected: [] });
  expect(viewDrift(documentedResponse('post', '/v1/track')!, answer)).toBeNull();
  const refused = (await api.http().post('/v1/batch').set('Authorization', basic).send({ batch: 'x' }).expect(400)).body;
  expect(viewDrift(documentedResponse('post', '/v1/batch')!, refused)).toBeNull();
});

it('flags an answer that leaves its documented view (the check every in-process spec runs, tests/support/view-check.ts)', async () => {
  const flows = pageView(flowSummaryView);
  expect(viewDrift(flows, (await api.http().get('/api/flows').set('Authorization', api.admin).expect(200)).body)).toBeNull();
  const flow = {
    id: '00000000-0000-4000-8000-000000000000',
    name: 'n',
    status: 'draft',
    version: 1,
    liveVersion: null,
    settings: { holdoutPercent: 0, quietHours: 'workspace' },
    createdAt: 'x',
    updatedAt: 'x',
    activatedAt: null,
  };
  expect(viewDrift(flows, { items: [flow], nextCursor: null })).toBeNull();
  expect(viewDrift(flows, { items: [{ ...flow, name: undefined }], nextCursor: null })).toMatch(/^items\[0\]\.name: /);
  expect(viewDrift(flows, { items: [{ ...flow, secret: 1 }], nextCursor: null })).toBe('undocumented items[0].secret');
});
