/**
 * The OpenAPI document lists every route of the Nest route table (tests/support/route-table.ts) — no more, no less —
 * each with the access the route really has, a response, and a request schema where the route takes a body.
 */
import { ApiHarness, startApi } from '../support/api-app';
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
  const served = routes.map((r) => `${r.method} ${openApiPath(r.path)}`).sort();
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
