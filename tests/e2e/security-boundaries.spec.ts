/**
 * Issue 20 "Safe boundaries", one block per row of its table, each replayed as the attacker the row names (an editor,
 * an ingest-only key, anyone) over real HTTP on loopback against the real app and PostgreSQL. 127.0.0.2 plays an
 * internal service (it answers a secret); 127.0.0.1 is the operator's allowed receiver (`WEBHOOK_ALLOW_NETWORKS`).
 * Each block sends the requests of its row as the reproduction does; on `main` before this branch (dfcf136)
 * they succeeded as the table reports (the internal answer came back as `lastError`, the injected key arrived
 * signed, the misspelt login paths signed in, …) — the assertions here were written against that behaviour and now
 * show each refused. (They were not re-run against `main` from this worktree.)
 */
import { createHmac } from 'node:crypto';
import webpush from 'web-push';
import { ApiHarness, startApi } from '../support/api-app';
import { startHttpStub, type HttpStub, type StubRequest } from '../support/provider-stubs';

const WEBHOOK_SECRET = 'boundaries-webhook-secret-0123';
const INTERNAL_SECRET = 'internal-admin-secret-4711';
const vapid = webpush.generateVAPIDKeys();

let api: ApiHarness;
let internal: HttpStub;
let receiver: HttpStub;

beforeAll(async () => {
  internal = await startHttpStub('127.0.0.2');
  internal.reply = () => ({ status: 403, body: `{"token":"${INTERNAL_SECRET}"}` });
  receiver = await startHttpStub('127.0.0.1');
  api = await startApi('security_boundaries', {
    CLOCK: 'virtual',
    WEBHOOK_SECRET,
    WEBHOOK_ALLOW_NETWORKS: '127.0.0.1/32',
    VAPID_PUBLIC_KEY: vapid.publicKey,
    VAPID_PRIVATE_KEY: vapid.privateKey,
    VAPID_SUBJECT: 'mailto:ops@shop.example',
    CLICK_ALLOWED_HOSTS: '*.promo.example',
  });
  await api.http().put('/api/settings').set('Authorization', api.admin).send({ quietHours: null, frequencyCaps: [] }).expect(200);
});
afterAll(async () => {
  await api?.close();
  await internal?.close();
  await receiver?.close();
});

const auth = () => ({ Authorization: api.admin });
const internalPort = () => new URL(internal.url).port;

/** trigger(segment: attribute `segment` = name) → one channel node `send` */
function oneSend(segment: string, data: Record<string, unknown>) {
  return {
    nodes: [
      {
        id: 't',
        type: 'trigger',
        position: { x: 0, y: 0 },
        data: { kind: 'segment', rule: { attribute: 'segment', op: 'eq', value: segment } },
      },
      { id: 'send', type: 'channel', position: { x: 0, y: 120 }, data },
    ],
    edges: [{ id: 'e1', source: 't', target: 'send' }],
  };
}

async function activeFlow(name: string, graph: unknown): Promise<string> {
  // no holdout: every contact is sent to
  const flow = await api
    .http()
    .post('/api/flows')
    .set(auth())
    .send({ name, graph, settings: { holdoutPercent: 0 } })
    .expect(201);
  await api.http().post(`/api/flows/${flow.body.id}/activate`).set(auth()).expect(200);
  return flow.body.id as string;
}

async function messagesOf(flowId: string, as = api.admin) {
  const res = await api.http().get(`/api/messages?flowId=${flowId}`).set('Authorization', as).expect(200);
  return res.body.items as { externalId: string; status: string; lastError: string | null }[];
}

const advance = (by = 'PT1M') => api.http().post('/api/clock/advance').set(auth()).send({ by }).expect(201);

describe('SSRF through a webhook node (editor)', () => {
  it('refuses a literal internal URL at validation, naming the node and the rule', async () => {
    const flow = await api
      .http()
      .post('/api/flows')
      .set(auth())
      .send({ name: 'literal', graph: oneSend('x', { channel: 'webhook', template: { url: `http://127.0.0.2:${internalPort()}/admin` } }) })
      .expect(201);
    const refused = await api.http().post(`/api/flows/${flow.body.id}/activate`).set(auth()).expect(400);
    expect(refused.body.message).toMatch(/node "send": destination 127\.0\.0\.2 refused: a loopback address/);
    const checked = await api.http().post(`/api/flows/${flow.body.id}/validate`).set(auth()).expect(200);
    expect(checked.body.errors).toEqual([expect.objectContaining({ nodeId: 'send', code: 'webhook.destination', field: 'template.url' })]);
  });

  it('fails every spelling of the internal address permanently at send; the internal service sees nothing', async () => {
    const port = internalPort();
    const targets: Record<string, string> = {
      allowed: `${receiver.url}/hook`,
      plain: `http://127.0.0.2:${port}/admin`,
      mapped: `http://[::ffff:127.0.0.2]:${port}/admin`,
      decimal: `http://2130706434:${port}/admin`,
      octal: `http://0177.0.0.2:${port}/admin`,
      metadata: 'http://169.254.169.254/latest/meta-data/',
    };
    const contacts = Object.entries(targets).map(([externalId, hook]) => ({
      externalId: `ssrf-${externalId}`,
      attributes: { segment: 'ssrf', hook },
    }));
    await api.http().post('/api/contacts').set(auth()).send(contacts).expect(200);
    const flowId = await activeFlow('ssrf', oneSend('ssrf', { channel: 'webhook', template: { url: '{{hook}}', body: '{"ok":true}' } }));
    await advance();

    const viewer = await api.userToken('viewer');
    const messages = await messagesOf(flowId, viewer);
    expect(messages).toHaveLength(6);
    for (const m of messages) {
      if (m.externalId === 'ssrf-allowed') {
        expect(m.status).toBe('delivered');
        continue;
      }
      expect(m.status).toBe('failed');
      expect(m.lastError).toMatch(/refused: a (loopback|link-local) address/);
      expect(m.lastError).not.toContain(INTERNAL_SECRET);
    }
    expect(internal.received).toHaveLength(0);
    const csv = await api.http().get(`/api/flows/${flowId}/export/messages.csv`).set('Authorization', viewer).expect(200);
    expect(csv.text ?? '').not.toContain(INTERNAL_SECRET);
  });
});

describe('SSRF through Web Push (ingest-only key)', () => {
  it('fails a subscription whose endpoint is internal; the internal service sees nothing', async () => {
    const ingest = await api.keyToken(['ingest']);
    const keys = {
      p256dh: 'BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM',
      auth: 'tBHItJI5svbpez7KI4CCXg',
    };
    await api
      .http()
      .post('/api/contacts')
      .set('Authorization', ingest)
      .send([
        {
          externalId: 'wp-1',
          consent: { push: true },
          attributes: { segment: 'webpush', webPush: { endpoint: `http://127.0.0.2:${internalPort()}/x`, keys } },
        },
      ])
      .expect(200);
    const flowId = await activeFlow('webpush', oneSend('webpush', { channel: 'push', template: { title: 'Hi', body: 'Back?' } }));
    await advance();
    const [message] = await messagesOf(flowId);
    expect(message).toMatchObject({ status: 'failed' });
    expect(message.lastError).toMatch(/127\.0\.0\.2 refused: a loopback address/);
    expect(internal.received).toHaveLength(0);
  });
});

describe('JSON injection into signed webhook bodies (ingest-only key)', () => {
  it('delivers the attribute as one intact string value under a valid signature', async () => {
    const ingest = await api.keyToken(['ingest']);
    const firstName = 'Eve","admin":true,"x":"';
    await api
      .http()
      .post('/api/contacts')
      .set('Authorization', ingest)
      .send([{ externalId: 'json-1', attributes: { segment: 'json', firstName } }])
      .expect(200);
    const before = receiver.accepted.length;
    await activeFlow(
      'json',
      oneSend('json', { channel: 'webhook', template: { url: `${receiver.url}/signed`, body: '{"name":"{{firstName}}","plan":"free"}' } }),
    );
    await advance();
    const arrived = receiver.accepted.slice(before).filter((r) => r.path === '/signed');
    expect(arrived).toHaveLength(1);
    expect(signatureValid(arrived[0])).toBe(true);
    expect(JSON.parse(arrived[0].body.toString())).toEqual({ name: firstName, plan: 'free' });
  });
});

function signatureValid(req: StubRequest): boolean {
  const [, t, v1] = /^t=(\d+),v1=([0-9a-f]+)$/.exec(String(req.headers['x-boomerang-signature'])) ?? [];
  return createHmac('sha256', WEBHOOK_SECRET).update(`${t}.${req.body.toString()}`).digest('hex') === v1;
}

describe('login rate limit bypass (anyone)', () => {
  let limited: ApiHarness;
  beforeAll(async () => {
    limited = await startApi('security_login_limit', { RATE_LIMIT_LOGIN: '3', TRUST_PROXY: 'loopback' });
    await limited
      .http()
      .post('/api/users')
      .set('Authorization', limited.admin)
      .send({ email: 'victim@example.com', password: 'a long enough passphrase 42', role: 'editor' })
      .expect(201);
  });
  afterAll(() => limited?.close());

  const login = (path: string, from: string, email: string, password: string) =>
    limited.http().post(path).set('X-Forwarded-For', from).send({ email, password });

  it('refuses every spelling of the login path once an address is over its limit', async () => {
    for (let i = 0; i < 3; i++) expect((await login('/api/auth/login', '203.0.113.7', `nobody${i}@example.com`, 'wrong')).status).toBe(401);
    for (const path of ['/api/auth/login', '/api/auth/Login', '/api/auth/login/', '/API/auth/login', '/api/AUTH/LOGIN/']) {
      const res = await login(path, '203.0.113.7', 'victim@example.com', 'a long enough passphrase 42');
      expect([path, res.status]).toEqual([path, 429]);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    }
    // another address (through the trusted proxy) is not affected
    expect((await login('/api/auth/login', '203.0.113.8', 'victim@example.com', 'a long enough passphrase 42')).status).toBe(200);
  });

  it('limits one account whatever the addresses spraying it', async () => {
    await limited
      .http()
      .post('/api/users')
      .set('Authorization', limited.admin)
      .send({ email: 'sprayed@example.com', password: 'another long passphrase 42', role: 'viewer' })
      .expect(201);
    for (let i = 0; i < 3; i++)
      expect((await login('/api/auth/login', `198.51.100.${i + 1}`, 'sprayed@example.com', 'wrong')).status).toBe(401);
    const res = await login('/api/auth/login', '198.51.100.99', 'Sprayed@Example.com', 'another long passphrase 42');
    expect(res.status).toBe(429);
    expect(res.body.message).toMatch(/too many sign-in attempts/);
  });
});

describe('editors change what live contacts get (editor)', () => {
  it('lets an editor save drafts of a live flow, but only an operator makes a change live', async () => {
    const editor = await api.userToken('editor');
    const graph = oneSend('roles', { channel: 'webhook', template: { url: `${receiver.url}/v1`, body: '{"v":1}' } });
    const flowId = await activeFlow('roles', graph);
    const changed = oneSend('roles', { channel: 'webhook', template: { url: `${receiver.url}/v2`, body: '{"v":2}' } });

    const put = await api.http().put(`/api/flows/${flowId}`).set('Authorization', editor).send({ graph: changed }).expect(403);
    expect(put.body.message).toMatch(/needs the "operate" permission: save it as a draft/);
    const settings = await api
      .http()
      .put(`/api/flows/${flowId}`)
      .set('Authorization', editor)
      .send({ settings: { holdoutPercent: 20 } });
    expect(settings.status).toBe(403);
    // a flow's own quiet hours reach live contacts at once too: not through the draft endpoint either
    const quiet = await api
      .http()
      .put(`/api/flows/${flowId}/draft`)
      .set('Authorization', editor)
      .send({ settings: { quietHours: 'off' } });
    expect(quiet.status).toBe(403);
    expect((await api.http().get(`/api/flows/${flowId}`).set(auth()).expect(200)).body.settings.quietHours).toBe('workspace');
    await api.http().put(`/api/flows/${flowId}`).set('Authorization', editor).send({ name: 'renamed by the editor' }).expect(200);

    const draft = await api.http().put(`/api/flows/${flowId}/draft`).set('Authorization', editor).send({ graph: changed }).expect(200);
    expect(draft.body).toMatchObject({ version: 2, liveVersion: 1 });
    await api.http().post(`/api/flows/${flowId}/publish`).set('Authorization', editor).send({ migrate: 'stay' }).expect(403);
    await api.http().post(`/api/flows/${flowId}/revert`).set('Authorization', editor).send({ version: 1 }).expect(200);
    expect((await api.http().get(`/api/flows/${flowId}`).set(auth()).expect(200)).body.liveVersion).toBe(1);

    await api.http().post(`/api/flows/${flowId}/publish`).set(auth()).send({ migrate: 'stay' }).expect(200);
  });
});

describe('re-enabling a user revives the sessions that disabling ended (admin mistake)', () => {
  it('ends every session on disable and on a new password; enabling again revives none', async () => {
    const token = await api.userToken('editor', 'leaver@example.com');
    const [{ id }] = await api.sql<{ id: string }>(`SELECT id::text FROM users WHERE email = 'leaver@example.com'`);
    const me = () => api.http().get('/api/auth/me').set('Authorization', token);
    expect((await me()).status).toBe(200);
    await api.http().patch(`/api/users/${id}`).set(auth()).send({ disabled: true }).expect(200);
    expect((await me()).status).toBe(401);
    await api.http().patch(`/api/users/${id}`).set(auth()).send({ disabled: false }).expect(200);
    expect((await me()).status).toBe(401);

    const again = await api
      .http()
      .post('/api/auth/login')
      .send({ email: 'leaver@example.com', password: 'correct horse battery' })
      .expect(200);
    const second = () => api.http().get('/api/auth/me').set('Authorization', `Bearer ${again.body.token}`);
    expect((await second()).status).toBe(200);
    await api.http().patch(`/api/users/${id}`).set(auth()).send({ password: 'a brand new passphrase 2027' }).expect(200);
    expect((await second()).status).toBe(401);
    await api.http().post('/api/auth/login').send({ email: 'leaver@example.com', password: 'a brand new passphrase 2027' }).expect(200);
    const audit = await api.sql<{ detail: Record<string, unknown> }>(
      `SELECT detail FROM audit_log WHERE action = 'user.updated' AND entity_id = $1 ORDER BY id`,
      [id],
    );
    expect(JSON.stringify(audit)).not.toContain('a brand new passphrase');
  });
});

describe('weak passwords (admin)', () => {
  it.each([
    ['aaaaaaaa', /at least 12 characters/],
    ['aaaaaaaaaaaa', /too easy to guess/],
    ['password1234', /too easy to guess/],
  ])('refuses %j naming the field', async (password, words) => {
    const res = await api.http().post('/api/users').set(auth()).send({ email: 'weak@example.com', password, role: 'viewer' }).expect(400);
    expect(res.body.message).toMatch(/password/);
    expect(res.body.message).toMatch(words);
  });

  it("refuses a password built from the user's own e-mail", async () => {
    const res = await api
      .http()
      .post('/api/users')
      .set(auth())
      .send({ email: 'margaret.hamilton@example.com', password: 'margaret.hamilton1', role: 'viewer' })
      .expect(400);
    expect(res.body.message).toMatch(/^password: is too easy to guess/);
  });
});

describe('one contact, many e-mail recipients (ingest-only key)', () => {
  const hostile = ['a@x.test, b@y.test, "S" <c@z.test>', 'u@x.test\r\nBcc: e@evil.test', 'Ann <ann@x.test>', 'team: a@x.test, b@x.test;'];

  it('refuses every address that is not one addr-spec, naming the item and the field; stores none of them', async () => {
    const ingest = await api.keyToken(['ingest']);
    const items = [
      ...hostile.map((email, i) => ({ externalId: `mail-${i}`, attributes: { email } })),
      { externalId: 'mail-ok', attributes: { email: 'ann@example.com', phone: '+447911123456' } },
      { externalId: 'phone-bad', attributes: { phone: '+44 20 7946 0958' } },
    ];
    const res = await api.http().post('/api/contacts').set('Authorization', ingest).send(items).expect(200);
    expect(res.body.rejected.map((r: { index: number }) => r.index)).toEqual([0, 1, 2, 3, 5]);
    for (const r of res.body.rejected.slice(0, 4))
      expect(r.error).toMatch(/^\[\d\]\.attributes\.email: must be (exactly )?one e-mail address/);
    expect(res.body.rejected[4].error).toMatch(/^\[5\]\.attributes\.phone: must be an E\.164 phone number .*\(\+442079460958\)/);
    const stored = await api.sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM contacts WHERE external_id LIKE 'mail-%' OR external_id = 'phone-bad'`,
    );
    expect(stored[0].n).toBe(1);
  });

  it('refuses them in a CSV import too, by line', async () => {
    const csv = ['externalId,email', 'csv-ok,ok@example.com', `csv-bad,"${hostile[0].replace(/"/g, '""')}"`].join('\n');
    const res = await api.http().post('/api/imports/contacts').set(auth()).set('Content-Type', 'text/csv').send(csv).expect(200);
    const last = JSON.parse(res.text.trim().split('\n').at(-1)!);
    expect(last).toMatchObject({ accepted: 1, rejected: 1 });
    const report = await api.http().get(last.rejectedReport).set(auth()).expect(200);
    expect(report.text).toMatch(/\n3,"?attributes\.email: must be exactly one e-mail address/);
  });
});

describe("a viewer's 10-second query (viewer)", () => {
  let bounded: ApiHarness;
  beforeAll(async () => {
    bounded = await startApi('security_statement_timeout', { API_STATEMENT_TIMEOUT_MS: '100' });
    // enough contacts that 200 substring tests on each take far longer than 100 ms
    await bounded.sql(
      `INSERT INTO contacts (external_id, attributes, created_at, updated_at)
       SELECT 'bulk-' || g, jsonb_build_object('bio', repeat(md5(g::text), 8)), now(), now() FROM generate_series(1, 300000) g`,
    );
  }, 120_000);
  afterAll(() => bounded?.close());

  const leaves = (n: number) => Array.from({ length: n }, (_, i) => ({ attribute: 'bio', op: 'contains', value: `zz${i}` }));
  const segment = (rule: unknown) => ({
    nodes: [
      { id: 'seg', type: 'trigger', position: { x: 0, y: 0 }, data: { kind: 'segment', rule } },
      { id: 'send', type: 'channel', position: { x: 0, y: 120 }, data: { channel: 'push', template: { title: 'Hi' } } },
    ],
    edges: [{ id: 'e1', source: 'seg', target: 'send' }],
  });

  it('refuses a 3,000-leaf rule when it is stored, naming the field', async () => {
    const res = await bounded
      .http()
      .post('/api/flows')
      .set('Authorization', bounded.admin)
      .send({ name: 'huge', graph: segment({ any: leaves(3000) }) })
      .expect(400);
    expect(res.body.message).toMatch(/graph\.nodes\[0\]\.data\.rule.*at most 200 conditions/);
  });

  it('ends an estimate that runs past the statement timeout with a plain 422', async () => {
    const flow = await bounded
      .http()
      .post('/api/flows')
      .set('Authorization', bounded.admin)
      .send({ name: 'costly', graph: segment({ all: [{ any: leaves(199) }, { attribute: 'bio', op: 'exists' }] }) })
      .expect(201);
    const viewer = await bounded.userToken('viewer');
    const res = await bounded.http().post(`/api/flows/${flow.body.id}/estimate`).set('Authorization', viewer).expect(422);
    expect(res.body.message).toMatch(/ran longer than the API allows \(100 ms, API_STATEMENT_TIMEOUT_MS\)/);
    // the API answers on
    await bounded.http().get('/api/health').expect(200);
  });
});

describe('viewers recover masked e-mails by prefix search (viewer)', () => {
  it('searches no e-mail or phone for a viewer; an admin still can', async () => {
    await api
      .http()
      .post('/api/contacts')
      .set(auth())
      .send([{ externalId: 'masked-1', attributes: { email: 'ann.secret@example.com', phone: '+447911123456' } }])
      .expect(200);
    const viewer = await api.userToken('viewer');
    const search = (q: string, as: string) =>
      api
        .http()
        .get(`/api/contacts?q=${encodeURIComponent(q)}`)
        .set('Authorization', as)
        .expect(200);
    for (const q of ['ann.secret@example.c', 'ann.s', '7911123456', 'email=ann.secret@example.com', 'phone=+447911123456']) {
      expect([q, (await search(q, viewer)).body.items]).toEqual([q, []]);
    }
    expect((await search('masked-', viewer)).body.items).toHaveLength(1);
    expect((await search('ann.secret@example.c', api.admin)).body.items).toHaveLength(1);
  });
});

describe('open redirect when a click URL comes from an attribute (ingest-only key)', () => {
  it('follows a host from the template or CLICK_ALLOWED_HOSTS, else shows the neutral page', async () => {
    const ingest = await api.keyToken(['ingest']);
    const landings: Record<string, string> = {
      evil: 'https://evil.example/phish',
      allowed: 'https://spring.promo.example/sale',
      // the template's literal host completed by an attribute is another host
      suffix: '.evil.example/',
    };
    await api
      .http()
      .post('/api/contacts')
      .set('Authorization', ingest)
      .send(
        Object.entries(landings).map(([k, landing]) => ({
          externalId: `click-${k}`,
          consent: { sms: true },
          attributes: { segment: 'click', phone: '+447911123456', landing },
        })),
      )
      .expect(200);
    const sms = (url: string) => ({ channel: 'sms', template: { body: 'Back? {{links.click}}', url } });
    const fromAttribute = await activeFlow('click-attr', oneSend('click', sms('{{landing}}')));
    const literal = await activeFlow('click-literal', oneSend('click', sms('https://shop.example{{landing}}')));
    await advance();
    const messageOf = async (flowId: string, externalId: string) =>
      (await messagesOf(flowId)).find((m) => m.externalId === externalId)! as unknown as { id: string };
    const click = async (flowId: string, externalId: string) => api.http().get(`/t/c/${(await messageOf(flowId, externalId)).id}`);

    const evil = await click(fromAttribute, 'click-evil');
    expect(evil.status).toBe(200);
    expect(evil.headers.location).toBeUndefined();
    const allowed = await click(fromAttribute, 'click-allowed');
    expect([allowed.status, allowed.headers.location]).toEqual([302, 'https://spring.promo.example/sale']);
    const suffix = await click(literal, 'click-suffix');
    expect([suffix.status, suffix.headers.location]).toEqual([200, undefined]);
    const path = await click(literal, 'click-allowed');
    // "https://shop.example" + "https://spring…" is not a URL on shop.example either: neutral page
    expect(path.headers.location ?? null).toBeNull();
  });

  it('follows the literal host whatever the attribute fills into the path', async () => {
    await api
      .http()
      .post('/api/contacts')
      .set(auth())
      .send([
        { externalId: 'click-path', consent: { sms: true }, attributes: { segment: 'clickpath', phone: '+447911123456', cart: '42?x=1' } },
      ])
      .expect(200);
    const flowId = await activeFlow(
      'click-path',
      oneSend('clickpath', { channel: 'sms', template: { body: '{{links.click}}', url: 'https://shop.example/cart/{{cart}}' } }),
    );
    await advance();
    const [m] = (await messagesOf(flowId)) as unknown as { id: string }[];
    const res = await api.http().get(`/t/c/${m.id}`);
    expect([res.status, res.headers.location]).toEqual([302, 'https://shop.example/cart/42?x=1']);
  });
});

describe('the smaller items', () => {
  let https: ApiHarness;
  beforeAll(async () => {
    https = await startApi('security_small', { PUBLIC_URL: 'https://boomerang.example' });
    await https
      .http()
      .post('/api/users')
      .set('Authorization', https.admin)
      .send({ email: 'cookie@example.com', password: 'a long enough passphrase 42', role: 'admin' })
      .expect(201);
  });
  afterAll(() => https?.close());

  const signIn = () =>
    https.http().post('/api/auth/login').send({ email: 'cookie@example.com', password: 'a long enough passphrase 42' }).expect(200);

  it('marks the session cookie Secure behind https', async () => {
    const cookie = String((await signIn()).headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/;\s*Secure/i);
  });

  it('refuses a cookie-authenticated change from a foreign Origin, allows its own', async () => {
    const cookie = String((await signIn()).headers['set-cookie']).split(';')[0];
    const create = (origin?: string) => {
      const req = https.http().post('/api/flows').set('Cookie', cookie);
      if (origin) req.set('Origin', origin);
      return req.send({ name: 'csrf', templateId: 'weekly-checkin' });
    };
    const forged = await create('https://evil.example');
    expect(forged.status).toBe(403);
    expect(forged.body.message).toMatch(/session cookie must come from this server's pages/);
    expect((await create('https://boomerang.example')).status).toBe(201);
    // reading with the cookie, and changes with a bearer token, are unaffected
    expect((await https.http().get('/api/flows').set('Cookie', cookie).set('Origin', 'https://evil.example')).status).toBe(200);
  });

  it('never shows the first characters of API_KEY in lists or the audit trail', async () => {
    const keys = await https.http().get('/api/api-keys').set('Authorization', https.admin).expect(200);
    const env = keys.body.items.find((k: { name: string }) => k.name === 'API_KEY');
    expect(env.prefix).toMatch(/^#[0-9a-f]{7}$/);
    expect(JSON.stringify(keys.body)).not.toContain(https.admin.slice('Bearer '.length, 'Bearer '.length + 8));
    const generated = await https
      .http()
      .post('/api/api-keys')
      .set('Authorization', https.admin)
      .send({ name: 'ci', scopes: ['ingest'] });
    expect(generated.body.prefix).toBe(generated.body.key.slice(0, 8));
  });
});

describe('a template can freeze the whole process (editor, or any flow)', () => {
  const nested = (depth: number) =>
    `${Array.from({ length: depth }, (_, i) => `{{#each ${'../'.repeat(i)}arr}}`).join('')}.${'{{/each}}'.repeat(depth)}`;

  it('refuses three nested loops at validation, naming the node', async () => {
    const flow = await api
      .http()
      .post('/api/flows')
      .set(auth())
      .send({ name: 'freeze', graph: oneSend('freeze', { channel: 'sms', template: { body: nested(3) } }) })
      .expect(201);
    const res = await api.http().post(`/api/flows/${flow.body.id}/activate`).set(auth()).expect(400);
    expect(res.body.message).toMatch(/node "send": .*loops nest 3 deep/);
  });

  it('stops a send over the budget: the journey fails at the node with the plain reason, nothing is sent', async () => {
    await api
      .http()
      .post('/api/contacts')
      .set(auth())
      .send([
        {
          externalId: 'freeze-1',
          consent: { sms: true },
          attributes: { segment: 'freeze', phone: '+447911123456', arr: Array.from({ length: 300 }, (_, i) => i) },
        },
      ])
      .expect(200);
    const flowId = await activeFlow('freeze-send', oneSend('freeze', { channel: 'sms', template: { body: nested(2) } }));
    await advance();
    expect(await messagesOf(flowId)).toEqual([]);
    const journeys = await api.http().get('/api/contacts/freeze-1/journeys').set(auth()).expect(200);
    const journey = journeys.body.items.find((j: { flowId: string }) => j.flowId === flowId);
    expect(journey.state).toBe('failed');
    expect(JSON.stringify(journey.log)).toMatch(
      /template\.body: the template exceeds its rendering budget: more than 10000 loop iterations/,
    );
  });
});
