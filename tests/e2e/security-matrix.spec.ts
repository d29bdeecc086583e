/**
 * Generated from the Nest route table (tests/support/route-table.ts): every route that is not on the public list
 * answers 401 without a credential and with an unknown one, and 403 to every principal that lacks the permission
 * its @Access() declares (admin when it declares none). A new route is covered the moment it exists; making one
 * public means adding it to `publicRoutes` below.
 */
import type { Permission } from '../../api/src/auth/principal';
import { rolePermissions, scopePermissions } from '../../api/src/auth/principal';
import { ApiHarness, startApi } from '../support/api-app';
import { Route, routeTable, sampleUrl } from '../support/route-table';

let api: ApiHarness;
let routes: Route[];
let tokens: Record<string, string>;

/** Who is allowed in without credentials, and why. */
const publicRoutes = [
  'get /api/health', // liveness for load balancers
  'post /api/auth/login', // signing in
  'post /api/providers/:channel/status', // receipts, behind PROVIDER_STATUS_SECRET
  'get /api/docs', // the API reference page
  'get /api/docs/openapi.json',
  'get /t/c/:id', // tracking links in messages
  'get /t/o/:id',
  'get /t/u/:token', // the signed unsubscribe link
  'post /t/u/:token',
  'get /t/p/:token', // the subscription preference page (the same signed token)
  'post /t/p/:token',
  'get /metrics', // Prometheus, behind METRICS_TOKEN
];

const principals: Record<string, Set<Permission>> = {
  'user:admin': new Set(rolePermissions.admin),
  'user:editor': new Set(rolePermissions.editor),
  'user:viewer': new Set(rolePermissions.viewer),
  'key:ingest': new Set(scopePermissions.ingest),
};

beforeAll(async () => {
  api = await startApi('security_matrix');
  routes = routeTable(api.app);
  tokens = {
    'user:admin': await api.userToken('admin'),
    'user:editor': await api.userToken('editor'),
    'user:viewer': await api.userToken('viewer'),
    'key:ingest': await api.keyToken(['ingest']),
  };
});
afterAll(() => api?.close());

function call(method: Route['method'], url: string, authorization?: string) {
  const req = (api.http() as unknown as Record<string, (u: string) => import('supertest').Test>)[method](url);
  if (authorization) req.set('Authorization', authorization);
  return method === 'get' || method === 'delete' ? req : req.send({});
}

describe('the route table', () => {
  it('is read from the controllers (sanity: the routes this suite must cover are there)', () => {
    const keys = routes.map((r) => `${r.method} ${r.path}`);
    expect(keys).toEqual(
      expect.arrayContaining(['get /api/flows', 'post /api/events', 'post /api/clock/advance', 'delete /api/api-keys/:id']),
    );
    expect(routes.length).toBeGreaterThan(30);
  });

  it('has exactly the listed public routes', () => {
    expect(
      routes
        .filter((r) => r.access === 'public')
        .map((r) => `${r.method} ${r.path}`)
        .sort(),
    ).toEqual([...publicRoutes].sort());
  });
});

describe('every protected route', () => {
  it('refuses a request without a credential or with an unknown one (401)', async () => {
    const failures: string[] = [];
    for (const route of routes.filter((r) => r.access !== 'public')) {
      const url = sampleUrl(route.path);
      for (const auth of [undefined, 'Bearer not-a-key-0123456789abcdef', 'Bearer bs_0123456789abcdef', 'Basic YWRtaW46YWRtaW4=']) {
        const res = await call(route.method, url, auth);
        if (res.status !== 401) failures.push(`${route.method} ${route.path} with ${auth ?? 'nothing'} → ${res.status}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('refuses every role and scope that lacks its permission (403)', async () => {
    const failures: string[] = [];
    let checked = 0;
    for (const route of routes.filter((r) => r.access !== 'public' && r.access !== 'any')) {
      for (const [who, permissions] of Object.entries(principals)) {
        if (permissions.has(route.access as Permission)) continue;
        checked++;
        const res = await call(route.method, sampleUrl(route.path), tokens[who]);
        if (res.status !== 403) failures.push(`${route.method} ${route.path} as ${who} → ${res.status}`);
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(40);
  });
});
