/**
 * A whole run of the real server (start, users, contacts, ingest, engine ticks, live SMS and webhook sends to stubs
 * on 127.0.0.1, receipts, stop) with every log level on: its output never contains a secret, an API key (the one in
 * API_KEY included), a password, a session token or a full phone number. Then the key that came from API_KEY stops
 * working once the variable is removed (or changed) and the server restarted.
 */
import { freePort } from '../../api/src/database/free-port';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startServer, waitForOutput, type RunningServer } from '../support/process';
import { startHttpStub, type HttpStub } from '../support/provider-stubs';

const API_KEY = 'env-admin-key-7f3a9c1e5b2d4f60';
const SECRETS = {
  ADMIN_PASSWORD: 'pw-very-secret-4d2c9b',
  WEBHOOK_SECRET: 'whsec-very-secret-8a7b6c5d',
  PROVIDER_STATUS_SECRET: 'receipts-very-secret-1a2b3c',
  SMS_TOKEN: 'sms-token-very-secret-9e8d7c',
  PUSH_TOKEN: 'push-token-very-secret-6f5e4d',
  LINK_SECRET: 'link-secret-very-secret-0123456789abcdef',
};
const PHONE = '+8613800138000';

let database: TestDatabase;
let stub: HttpStub;
const servers: RunningServer[] = [];

beforeAll(async () => {
  database = await createTestDatabase('secrets_in_logs');
  stub = await startHttpStub();
});
afterAll(async () => {
  for (const s of servers) await s.stop('SIGKILL');
  await stub?.close();
  await database?.drop();
});

async function start(env: Record<string, string>): Promise<{ server: RunningServer; base: string }> {
  const port = await freePort();
  const server = startServer({
    DATABASE_URL: database.url,
    PORT: String(port),
    DEMO: 'off',
    CLOCK: 'virtual',
    TICK_CRON: '* * * * * *',
    LOG_LEVEL: 'debug',
    SMS_URL: `${stub.url}/sms`,
    SMS_ACCOUNT: 'AC-account',
    SMS_FROM: '+15550000000',
    PUSH_URL: `${stub.url}/push`,
    // the webhook receiver is the stub on loopback, refused unless allowed (issue 20)
    WEBHOOK_ALLOW_NETWORKS: '127.0.0.1/32',
    ...SECRETS,
    ...env,
  });
  servers.push(server);
  await waitForOutput(server, /Boomerang is listening on/);
  return { server, base: `http://127.0.0.1:${port}` };
}

async function call(base: string, key: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
}

const smsFlow = {
  nodes: [
    { id: 't', type: 'trigger', position: { x: 0, y: 0 }, data: { kind: 'event', event: 'signed_up' } },
    {
      id: 'm',
      type: 'channel',
      position: { x: 0, y: 1 },
      data: { channel: 'sms', template: { body: 'Hi {{firstName}}, your code is waiting' } },
    },
    {
      id: 'w',
      type: 'channel',
      position: { x: 0, y: 2 },
      data: { channel: 'webhook', template: { url: '', body: '{"phone":"{{phone}}"}' } },
    },
  ],
  edges: [
    { id: 'e1', source: 't', target: 'm' },
    { id: 'e2', source: 'm', target: 'w' },
  ],
};

it('no secret, key, password, token or full phone number is ever logged; a removed API_KEY stops working', async () => {
  const { server, base } = await start({ API_KEY });
  smsFlow.nodes[2].data.template!.url = `${stub.url}/hook`;
  // a session (its token must not be logged either)
  const login = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: 'admin@localhost', password: SECRETS.ADMIN_PASSWORD }),
  });
  expect(login.status).toBe(200);
  const session = ((await login.json()) as { token: string }).token;
  const created = await call(base, API_KEY, 'POST', '/api/api-keys', { name: 'ingest', scopes: ['ingest'] });
  expect(created.status).toBe(201);
  const ingestKey = created.json.key as string;

  await call(base, API_KEY, 'PUT', '/api/settings', { quietHours: null });
  const contacts = await call(base, ingestKey, 'POST', '/api/contacts', [
    { externalId: 'u1', timezone: 'UTC', consent: { sms: true, push: true }, attributes: { firstName: 'Li', phone: PHONE } },
  ]);
  expect(contacts.json).toEqual({ accepted: 1, rejected: [] });
  const flow = await call(base, API_KEY, 'POST', '/api/flows', { name: 'logs', graph: smsFlow, settings: { holdoutPercent: 0 } });
  expect(flow.status).toBe(201);
  expect((await call(base, API_KEY, 'POST', `/api/flows/${flow.json.id}/activate`)).status).toBe(200);
  expect((await call(base, ingestKey, 'POST', '/api/events', [{ externalId: 'u1', name: 'signed_up' }])).json.accepted).toBe(1);
  // a bad request and a refused one are logged too
  await call(base, 'bk_wrong_key_0123456789', 'GET', '/api/flows');
  await call(base, session, 'POST', '/api/events', [{ externalId: '', name: 'x' }]);

  const deadline = Date.now() + 60_000;
  while (stub.accepted.filter((r) => r.path === '/hook').length < 1) {
    if (Date.now() > deadline) throw new Error(`no webhook arrived:\n${server.output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const sms = stub.accepted.find((r) => r.path === '/sms')!;
  expect(decodeURIComponent(sms.body.toString())).toContain(PHONE); // the provider does get the number
  // a receipt with the shared secret
  const messages = await call(base, API_KEY, 'GET', '/api/messages?externalId=u1');
  const smsMessage = messages.json.items.find((m: { channel: string }) => m.channel === 'sms');
  await fetch(`${base}/api/providers/sms/status`, {
    method: 'POST',
    headers: { 'X-Boomerang-Provider-Secret': SECRETS.PROVIDER_STATUS_SECRET, 'Content-Type': 'application/json' },
    body: JSON.stringify({ messageId: smsMessage.id, status: 'delivered' }),
  });
  expect(await server.stop('SIGINT')).toBe(0);

  const output = server.output();
  expect(output).toMatch(/Boomerang is listening on/);
  const leaks = [API_KEY, ingestKey, session, ...Object.values(SECRETS), PHONE, PHONE.slice(1), PHONE.slice(3)].filter((s) =>
    output.includes(s),
  );
  expect(leaks).toEqual([]);

  // the same database without API_KEY: the key that came from it is revoked at start
  const second = await start({});
  expect((await call(second.base, API_KEY, 'GET', '/api/flows')).status).toBe(401);
  expect((await call(second.base, ingestKey, 'POST', '/api/events', [])).status).not.toBe(401);
  expect(second.server.output()).toMatch(/revoked 1 API key\(s\) that came from an earlier API_KEY/);
  expect(second.server.output()).not.toContain(API_KEY);
  expect(await second.server.stop('SIGINT')).toBe(0);

  // a new API_KEY works and replaces nothing else
  const replaced = 'env-admin-key-second-0123456789';
  const third = await start({ API_KEY: replaced });
  expect((await call(third.base, replaced, 'GET', '/api/flows')).status).toBe(200);
  expect((await call(third.base, API_KEY, 'GET', '/api/flows')).status).toBe(401);
  expect(third.server.output()).not.toContain(replaced);
  expect(await third.server.stop('SIGINT')).toBe(0);
});
