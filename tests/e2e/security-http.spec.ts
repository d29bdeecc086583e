/**
 * HTTP hardening of the real app: security headers on the editor and the API, CORS closed by default and open only
 * to CORS_ORIGINS, sign-in and ingestion rate limits answering 429 with Retry-After.
 */
import { ApiHarness, startApi } from '../support/api-app';

let api: ApiHarness;
let open: ApiHarness;

beforeAll(async () => {
  api = await startApi('security_http', { RATE_LIMIT_LOGIN: '3', RATE_LIMIT_INGEST: '5' });
  open = await startApi('security_cors', { CORS_ORIGINS: 'https://app.example.com' });
});
afterAll(async () => {
  await api?.close();
  await open?.close();
});

it('sends security headers on the editor and the API', async () => {
  for (const path of ['/', '/api/health']) {
    const res = await api.http().get(path);
    expect(res.headers['content-security-policy']).toMatch(/default-src 'self'/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['x-powered-by']).toBeUndefined();
  }
});

it('answers no CORS by default, and only listed origins when CORS_ORIGINS is set', async () => {
  const closed = await api.http().options('/api/flows').set('Origin', 'https://evil.example').set('Access-Control-Request-Method', 'GET');
  expect(closed.headers['access-control-allow-origin']).toBeUndefined();
  const allowed = await open
    .http()
    .options('/api/flows')
    .set('Origin', 'https://app.example.com')
    .set('Access-Control-Request-Method', 'GET');
  expect(allowed.headers['access-control-allow-origin']).toBe('https://app.example.com');
  const other = await open.http().get('/api/health').set('Origin', 'https://evil.example');
  expect(other.headers['access-control-allow-origin']).not.toBe('https://evil.example');
});

it('limits sign-in attempts per address with 429 and Retry-After', async () => {
  const attempt = () => api.http().post('/api/auth/login').send({ email: 'nobody@example.com', password: 'wrong password' });
  for (let i = 0; i < 3; i++) expect((await attempt()).status).toBe(401);
  const refused = await attempt();
  expect(refused.status).toBe(429);
  expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
  expect(refused.body.message).toMatch(/too many sign-in attempts/);
});

it('limits ingestion per credential; another credential has its own budget', async () => {
  const ingest = await api.keyToken(['ingest']);
  const event = [{ externalId: 'rate-1', name: 'app_open' }];
  for (let i = 0; i < 5; i++) expect((await api.http().post('/api/events').set('Authorization', ingest).send(event)).status).toBe(200);
  const refused = await api.http().post('/api/events').set('Authorization', ingest).send(event);
  expect(refused.status).toBe(429);
  expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
  expect(
    (
      await api
        .http()
        .post('/api/contacts')
        .set('Authorization', api.admin)
        .send([{ externalId: 'rate-2' }])
    ).status,
  ).toBe(200);
});
