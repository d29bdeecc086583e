import { createHash } from 'node:crypto';
import { ensureAdminUser } from '../../api/src/auth/bootstrap-admin-user';
import { UsersRepository } from '../../api/src/auth/users.repository';
import { ApiHarness, startApi } from '../support/api-app';
import { tinyGraph } from '../support/api-fixtures';

let api: ApiHarness;
let tokens: Record<'admin' | 'editor' | 'viewer' | 'ingest' | 'adminKey', string>;
let flowId: string;

beforeAll(async () => {
  api = await startApi('api_auth');
  tokens = {
    admin: await api.userToken('admin', 'boss@example.com'),
    editor: await api.userToken('editor', 'ed@example.com'),
    viewer: await api.userToken('viewer', 'vi@example.com'),
    ingest: await api.keyToken(['ingest']),
    adminKey: await api.keyToken(['admin']),
  };
  flowId = (await api.http().post('/api/flows').set('Authorization', api.admin).send({ name: 'Shared', graph: tinyGraph() }).expect(201))
    .body.id;
});
afterAll(() => api?.close());

type Who = keyof typeof tokens;
const everyone: Who[] = ['admin', 'editor', 'viewer', 'ingest', 'adminKey'];

/** [method, path, body, who may] */
const matrix: [string, string, unknown, Who[]][] = [
  ['get', '/api/flows', undefined, ['admin', 'editor', 'viewer', 'adminKey']],
  ['get', '/api/flow-templates', undefined, ['admin', 'editor', 'viewer', 'adminKey']],
  ['post', '/api/flows', { name: 'by role', graph: tinyGraph() }, ['admin', 'editor', 'adminKey']],
  ['put', '/api/flows/:id', { name: 'renamed' }, ['admin', 'editor', 'adminKey']],
  ['post', '/api/flows/:id/validate', undefined, ['admin', 'editor', 'viewer', 'adminKey']],
  ['get', '/api/flows/:id/metrics', undefined, ['admin', 'editor', 'viewer', 'adminKey']],
  ['get', '/api/flows/:id/journeys', undefined, ['admin', 'editor', 'viewer', 'adminKey']],
  ['post', '/api/contacts', [{ externalId: 'role-contact' }], ['admin', 'editor', 'ingest', 'adminKey']],
  ['post', '/api/events', [{ externalId: 'role-contact', name: 'app_open' }], ['admin', 'editor', 'ingest', 'adminKey']],
  ['get', '/api/contacts/role-contact', undefined, ['admin', 'editor', 'viewer', 'adminKey']],
  ['get', '/api/contacts/role-contact/journeys', undefined, ['admin', 'editor', 'viewer', 'adminKey']],
  ['get', '/api/messages', undefined, ['admin', 'editor', 'viewer', 'adminKey']],
  ['get', '/api/settings', undefined, ['admin', 'editor', 'viewer', 'adminKey']],
  ['put', '/api/settings', { nonActivityEvents: [] }, ['admin', 'adminKey']],
  ['get', '/api/audit', undefined, ['admin', 'adminKey']],
  ['get', '/api/users', undefined, ['admin', 'adminKey']],
  ['get', '/api/api-keys', undefined, ['admin', 'adminKey']],
  ['get', '/api/auth/me', undefined, everyone],
];

describe('who may do what', () => {
  it.each(matrix)('%s %s', async (method, path, body, allowed) => {
    // the contact must exist before the read rows run for anyone
    await api
      .http()
      .post('/api/contacts')
      .set('Authorization', api.admin)
      .send([{ externalId: 'role-contact' }])
      .expect(200);
    const url = path.replace(':id', flowId);
    for (const who of everyone) {
      const http = api.http() as unknown as Record<string, (u: string) => import('supertest').Test>;
      const req = http[method](url).set('Authorization', tokens[who]);
      const res = body === undefined ? await req : await req.send(body as object);
      if (allowed.includes(who)) {
        expect([who, res.status]).toEqual([who, expect.any(Number)]);
        expect(res.status).toBeLessThan(300);
      } else {
        expect([who, res.status]).toEqual([who, 403]);
        expect(res.body.message).toMatch(/^this needs the "\w+" permission/);
      }
    }
    const anonymous = await (api.http() as unknown as Record<string, (u: string) => import('supertest').Test>)[method](url);
    expect(anonymous.status).toBe(401);
  });

  it('editors design flows but cannot activate, pause or archive; nothing changes when refused', async () => {
    const { body: flow } = await api
      .http()
      .post('/api/flows')
      .set('Authorization', tokens.editor)
      .send({ name: 'Editor flow', graph: tinyGraph() })
      .expect(201);
    for (const action of ['activate', 'pause', 'archive']) {
      const res = await api.http().post(`/api/flows/${flow.id}/${action}`).set('Authorization', tokens.editor).expect(403);
      expect(res.body.message).toBe('this needs the "operate" permission, which role "editor" does not have');
    }
    expect((await api.http().get(`/api/flows/${flow.id}`).set('Authorization', tokens.viewer).expect(200)).body.status).toBe('draft');
    await api.http().post(`/api/flows/${flow.id}/activate`).set('Authorization', tokens.admin).expect(200);
  });

  it('viewers cannot create anything', async () => {
    const [{ n: before }] = await api.sql<{ n: number }>('SELECT count(*)::int AS n FROM flows');
    await api.http().post('/api/flows').set('Authorization', tokens.viewer).send({ name: 'nope', graph: tinyGraph() }).expect(403);
    await api
      .http()
      .post('/api/contacts')
      .set('Authorization', tokens.viewer)
      .send([{ externalId: 'viewer-made' }])
      .expect(403);
    const [{ n: after }] = await api.sql<{ n: number }>('SELECT count(*)::int AS n FROM flows');
    expect(after).toBe(before);
    expect(await api.sql(`SELECT 1 FROM contacts WHERE external_id = 'viewer-made'`)).toEqual([]);
  });

  it('viewers see e-mail addresses and phone numbers masked in contacts, messages and logs', async () => {
    await api
      .http()
      .post('/api/contacts')
      .set('Authorization', api.admin)
      .send([{ externalId: 'pii', attributes: { email: 'li.wei@example.com', phone: '+8613800000000', firstName: 'Li' } }])
      .expect(200);
    const [c] = await api.sql<{ id: string }>(`SELECT id FROM contacts WHERE external_id = 'pii'`);
    const [j] = await api.sql<{ id: string }>(
      `INSERT INTO journeys (flow_id, flow_version, contact_id, state, current_node_id, entered_at) VALUES ($1, 1, $2, 'completed', 'm', now()) RETURNING id`,
      [flowId, c.id],
    );
    await api.sql(
      `INSERT INTO messages (idempotency_key, journey_id, flow_id, flow_version, contact_id, node_id, channel, content, created_at)
       VALUES ('pii:1', $1, $2, 1, $3, 'm', 'email', '{"subject":"Hi","text":"Write to li.wei@example.com or call +86 138 0000 0000"}', now())`,
      [j.id, flowId, c.id],
    );
    await api.sql(
      `INSERT INTO journey_log (journey_id, contact_id, at, node_id, kind, detail)
       SELECT id, contact_id, now(), 'm', 'message', '{"preview":"Hi li.wei@example.com","to":"li.wei@example.com"}' FROM journeys WHERE id = $1`,
      [j.id],
    );

    const contact = await api.http().get('/api/contacts/pii').set('Authorization', tokens.viewer).expect(200);
    expect(contact.body.attributes).toEqual({ email: 'l***@example.com', phone: '+86*******0000', firstName: 'Li' });
    const message = await api.http().get('/api/messages?externalId=pii').set('Authorization', tokens.viewer).expect(200);
    expect(message.body.items[0].content.text).toBe('Write to l***@example.com or call +86*******0000');
    const log = await api.http().get('/api/contacts/pii/journeys').set('Authorization', tokens.viewer).expect(200);
    expect(log.body.items[0].log[0].detail).toEqual({ preview: 'Hi l***@example.com', to: 'l***@example.com' });
    // editors see them in full
    expect((await api.http().get('/api/contacts/pii').set('Authorization', tokens.editor).expect(200)).body.attributes.email).toBe(
      'li.wei@example.com',
    );
  });
});

describe('sessions', () => {
  it('login answers a token that works as Bearer and as a cookie; only its SHA-256 is stored; logout ends it', async () => {
    await api
      .http()
      .post('/api/users')
      .set('Authorization', api.admin)
      .send({ email: 'Sam@Example.com', password: 'long enough pw', role: 'editor' })
      .expect(201);
    const login = await api.http().post('/api/auth/login').send({ email: 'sam@example.com', password: 'long enough pw' }).expect(200);
    expect(login.body).toMatchObject({
      token: expect.stringMatching(/^bs_/),
      expiresAt: expect.any(String),
      user: { email: 'Sam@Example.com', role: 'editor' },
    });
    expect(login.headers['set-cookie'][0]).toMatch(/^boomerang_session=bs_.*HttpOnly/);
    const token = login.body.token as string;
    const stored = await api.sql<{ token_hash: string }>('SELECT token_hash FROM sessions');
    expect(stored.map((s) => s.token_hash)).toContain(createHash('sha256').update(token).digest('hex'));
    expect(JSON.stringify(stored)).not.toContain(token);
    const [user] = await api.sql<{ password_hash: string }>(`SELECT password_hash FROM users WHERE email = 'Sam@Example.com'`);
    expect(user.password_hash).toMatch(/^scrypt\$16384\$8\$1\$/);

    const me = await api.http().get('/api/auth/me').set('Cookie', `boomerang_session=${token}`).expect(200);
    expect(me.body).toMatchObject({ kind: 'user', email: 'Sam@Example.com', role: 'editor', permissions: ['read', 'ingest', 'design'] });
    await api.http().post('/api/auth/logout').set('Authorization', `Bearer ${token}`).expect(204);
    const after = await api.http().get('/api/auth/me').set('Authorization', `Bearer ${token}`).expect(401);
    expect(after.body.message).toBe('the session is unknown or expired; sign in again');
  });

  it('one answer for an unknown e-mail and a wrong password; expired sessions are refused', async () => {
    const wrong = await api.http().post('/api/auth/login').send({ email: 'ed@example.com', password: 'nope nope' }).expect(401);
    const unknown = await api.http().post('/api/auth/login').send({ email: 'ghost@example.com', password: 'nope nope' }).expect(401);
    expect(wrong.body.message).toBe('e-mail or password is wrong');
    expect(unknown.body.message).toBe(wrong.body.message);
    await api.http().post('/api/auth/login').send({ email: 'ed@example.com' }).expect(400);
    await api.sql(
      `UPDATE sessions SET expires_at = now() - interval '1 second' WHERE user_id = (SELECT id FROM users WHERE email = 'vi@example.com')`,
    );
    await api.http().get('/api/flows').set('Authorization', tokens.viewer).expect(401);
  });

  it('refuses malformed credentials and unknown keys', async () => {
    expect((await api.http().get('/api/flows').set('Authorization', 'Basic abc').expect(401)).body.message).toBe(
      'Authorization must be "Bearer <api key or session token>"',
    );
    expect(
      (await api.http().get('/api/flows').set('Authorization', "Bearer x';DROP/**/TABLE/**/api_keys;--").expect(401)).body.message,
    ).toBe('the API key is unknown or revoked');
  });

  it('an admin signs another user out everywhere (audited); editors and viewers may not', async () => {
    const email = 'leaver@example.com';
    const password = 'correct horse battery';
    const created = await api
      .http()
      .post('/api/users')
      .set('Authorization', api.admin)
      .send({ email, password, role: 'editor' })
      .expect(201);
    const signIn = async () => `Bearer ${(await api.http().post('/api/auth/login').send({ email, password }).expect(200)).body.token}`;
    const [laptop, phone] = [await signIn(), await signIn()];
    const url = `/api/users/${created.body.id}/sessions`;
    for (const who of [tokens.editor, tokens.ingest, laptop]) await api.http().delete(url).set('Authorization', who).expect(403);
    await api.http().get('/api/flows').set('Authorization', laptop).expect(200);

    expect((await api.http().delete(url).set('Authorization', tokens.admin).expect(200)).body).toEqual({ revoked: 2 });
    for (const session of [laptop, phone]) {
      const refused = await api.http().get('/api/flows').set('Authorization', session).expect(401);
      expect(refused.body.message).toBe('the session is unknown or expired; sign in again');
    }
    // only theirs: the admin's own session still works, and the user may sign in again (they are not disabled)
    await api.http().get('/api/users').set('Authorization', tokens.admin).expect(200);
    await api
      .http()
      .get('/api/flows')
      .set('Authorization', await signIn())
      .expect(200);
    await api.http().delete('/api/users/00000000-0000-4000-8000-000000000000/sessions').set('Authorization', tokens.admin).expect(404);

    const audit = await api
      .http()
      .get(`/api/audit?entityType=user&entityId=${created.body.id}`)
      .set('Authorization', tokens.admin)
      .expect(200);
    expect(audit.body.items[0]).toMatchObject({
      actor: 'user:boss@example.com',
      action: 'user.sessions_revoked',
      detail: { email, revoked: 2 },
    });
  });

  it('rejects bad user bodies and duplicate e-mails', async () => {
    const short = await api
      .http()
      .post('/api/users')
      .set('Authorization', api.admin)
      .send({ email: 'a@example.com', password: 'short', role: 'editor' })
      .expect(400);
    expect(short.body.message).toBe('password: must be at least 12 characters');
    expect(
      (
        await api
          .http()
          .post('/api/users')
          .set('Authorization', api.admin)
          .send({ email: 'a@example.com', password: 'long enough pw', role: 'owner' })
          .expect(400)
      ).body.message,
    ).toMatch(/^role: /);
    expect(
      (
        await api
          .http()
          .post('/api/users')
          .set('Authorization', api.admin)
          .send({ email: 'ED@example.com', password: 'long enough pw', role: 'viewer' })
          .expect(409)
      ).body.message,
    ).toBe('a user with e-mail "ED@example.com" exists');
  });

  it('the first admin user is created on an empty users table only, with a generated password when none is set', async () => {
    const fresh = await startApi('api_auth_bootstrap');
    try {
      const users = fresh.app.get(UsersRepository);
      const first = await ensureAdminUser(users, 'admin@localhost', undefined);
      expect(first).toMatchObject({ created: true, email: 'admin@localhost', generatedPassword: expect.any(String) });
      expect(await ensureAdminUser(users, 'other@localhost', 'password123')).toEqual({ created: false, email: 'other@localhost' });
      const login = await fresh
        .http()
        .post('/api/auth/login')
        .send({ email: 'admin@localhost', password: first.generatedPassword })
        .expect(200);
      expect(login.body.user.role).toBe('admin');
    } finally {
      await fresh.close();
    }
  });
});

describe('API keys and the audit trail', () => {
  it('creates keys with scopes (plaintext once, hash stored), revokes them, and audits who did what', async () => {
    const created = await api
      .http()
      .post('/api/api-keys')
      .set('Authorization', tokens.admin)
      .send({ name: 'Segment import', scopes: ['ingest'] })
      .expect(201);
    expect(created.body).toMatchObject({ name: 'Segment import', scopes: ['ingest'], key: expect.stringMatching(/^bk_/) });
    const [row] = await api.sql<{ key_hash: string }>('SELECT key_hash FROM api_keys WHERE id = $1', [created.body.id]);
    expect(row.key_hash).toBe(createHash('sha256').update(created.body.key).digest('hex'));
    const list = await api.http().get('/api/api-keys').set('Authorization', tokens.admin).expect(200);
    expect(JSON.stringify(list.body)).not.toContain(created.body.key);
    await api
      .http()
      .post('/api/events')
      .set('Authorization', `Bearer ${created.body.key}`)
      .send([{ externalId: 'k', name: 'x' }])
      .expect(200);
    await api.http().delete(`/api/api-keys/${created.body.id}`).set('Authorization', tokens.admin).expect(204);
    await api
      .http()
      .post('/api/events')
      .set('Authorization', `Bearer ${created.body.key}`)
      .send([{ externalId: 'k', name: 'x' }])
      .expect(401);
    expect(
      (
        await api
          .http()
          .post('/api/api-keys')
          .set('Authorization', tokens.admin)
          .send({ name: 'x', scopes: ['root'] })
          .expect(400)
      ).body.message,
    ).toMatch(/^scopes\[0\]: /);

    const audit = await api.http().get('/api/audit?entityType=api_key').set('Authorization', tokens.admin).expect(200);
    const actions = audit.body.items.map((a: { actor: string; action: string }) => `${a.actor} ${a.action}`);
    expect(actions.slice(0, 2)).toEqual(['user:boss@example.com api_key.revoked', 'user:boss@example.com api_key.created']);
    const flowAudit = await api.http().get(`/api/audit?entityType=flow&entityId=${flowId}`).set('Authorization', tokens.admin).expect(200);
    expect(flowAudit.body.items.at(-1)).toMatchObject({
      actor: expect.stringMatching(/^key:#[0-9a-f]{7}$/),
      action: 'flow.created',
      entityType: 'flow',
      entityId: flowId,
      at: expect.any(String),
    });
    const page = await api.http().get('/api/audit?limit=1').set('Authorization', tokens.admin).expect(200);
    const next = await api.http().get(`/api/audit?limit=1&cursor=${page.body.nextCursor}`).set('Authorization', tokens.admin).expect(200);
    expect(Number(next.body.items[0].id)).toBeLessThan(Number(page.body.items[0].id));
  });
});

describe('OpenAPI', () => {
  it('serves the document generated from the zod schemas, and a UI page, without credentials', async () => {
    const doc = await api.http().get('/api/docs/openapi.json').expect(200);
    expect(doc.body.openapi).toBe('3.1.0');
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining(['/api/flows', '/api/events', '/api/flows/{id}/metrics', '/t/c/{id}']),
    );
    const create = doc.body.paths['/api/flows'].post.requestBody.content['application/json'].schema;
    expect(JSON.stringify(create)).toContain('holdoutPercent');
    expect(doc.body.paths['/api/events'].post.requestBody.content['application/json'].schema).toMatchObject({
      type: 'array',
      maxItems: 10000,
    });
    const ui = await api.http().get('/api/docs').expect(200);
    expect(ui.headers['content-type']).toMatch(/^text\/html/);
    expect(ui.text).toContain('/api/docs/openapi.json');
    expect(ui.text).not.toMatch(/<script src=/);
  });
});
