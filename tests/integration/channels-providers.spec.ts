/**
 * The provider adapters against real servers on 127.0.0.1: a webhook receiver that verifies the signature, FCM and
 * SMS stubs that check method, headers, auth and body, a Web Push endpoint that decrypts with the subscription's
 * keys, and every fault (500, 429 + Retry-After, a hang, a refused connection, 400) through the real dispatcher on
 * real PostgreSQL. The hang is real: the stub accepts the request and never answers; the adapter's timeout is short.
 */
import { createECDH, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { Pool } from 'pg';
import ece from 'http_ece';
import type { FlowGraphDocument } from '@boomerang/engine';
import { VirtualClock } from '@boomerang/engine';
import {
  buildChannelAdapters,
  dispatchOnce,
  defaultDispatchOptions,
  Engine,
  loadEngineSettings,
  type ChannelSettings,
  type BuiltAdapters,
} from '@boomerang/engine/runtime';
import { poolOf } from '../../api/src/engine/engine.module';
import { createMigratedDatabase, type MigratedDatabase } from '../support/database';
import { createActiveFlow, seedContacts } from '../support/engine-fixtures';
import { refusedPort, startHttpStub, type HttpStub, type StubReply } from '../support/provider-stubs';

const T0 = new Date('2026-03-02T12:00:00Z');
const SECRET = 'webhook-secret-0123456789';
const PUBLIC_URL = 'https://win.example';

let database: MigratedDatabase;
let db: Pool;
let stub: HttpStub;
let built: BuiltAdapters | null = null;

beforeEach(async () => {
  database = await createMigratedDatabase('channels_providers');
  db = poolOf(database.dataSource);
  stub = await startHttpStub();
});
afterEach(async () => {
  await built?.close();
  built = null;
  await stub.close();
  await database.close();
});

function oneSendGraph(data: Record<string, unknown>): FlowGraphDocument {
  return {
    nodes: [
      { id: 't', type: 'trigger', position: { x: 0, y: 0 }, data: { kind: 'segment', rule: { attribute: 'seg', op: 'exists' } } },
      { id: 'm', type: 'channel', position: { x: 0, y: 1 }, data },
    ],
    edges: [{ id: 'e1', source: 't', target: 'm' }],
  } as unknown as FlowGraphDocument;
}

function engineWith(settings: Partial<ChannelSettings>): Engine {
  // the stubs live on 127.0.0.1, which webhooks and Web Push may reach only when allowed (issue 20)
  built = buildChannelAdapters({ publicUrl: PUBLIC_URL, timeoutMs: 300, allowNetworks: ['127.0.0.1/32'], ...settings });
  return new Engine({
    db,
    clock: new VirtualClock(db, () => T0),
    publicUrl: PUBLIC_URL,
    adapters: built.adapters,
    dispatch: { backoffMs: 1000, maxAttempts: 3 },
  });
}

async function messages() {
  const r = await db.query(
    `SELECT m.id, m.idempotency_key, m.status, m.attempts, m.next_attempt_at, m.last_error, m.segments, m.provider_id, c.attributes
       FROM messages m JOIN contacts c ON c.id = m.contact_id ORDER BY c.external_id`,
  );
  return r.rows;
}

async function deliveryLog() {
  const r = await db.query(`SELECT detail FROM journey_log WHERE kind = 'delivery' ORDER BY id`);
  return r.rows.map((row) => row.detail);
}

function verifySignature(req: { headers: http.IncomingHttpHeaders; body: Buffer }): boolean {
  const header = String(req.headers['x-boomerang-signature'] ?? '');
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
  if (!match) return false;
  const expected = createHmac('sha256', SECRET)
    .update(`${match[1]}.${req.body.toString('utf8')}`)
    .digest();
  return timingSafeEqual(expected, Buffer.from(match[2], 'hex'));
}

describe('webhook adapter', () => {
  it('POSTs signed JSON with the idempotency key; the receiver verifies the signature', async () => {
    stub.reply = (req) => (verifySignature(req) ? { status: 204 } : { status: 401 });
    await seedContacts(db, 2, { prefix: 'w', attributes: (i) => ({ seg: 1, plan: i ? 'pro' : 'free' }) });
    await createActiveFlow(
      db,
      oneSendGraph({
        channel: 'webhook',
        template: { url: `${stub.url}/hook`, body: '{"externalId":"{{contact.externalId}}","plan":"{{plan}}"}' },
      }),
    );
    const report = await engineWith({ webhook: { secret: SECRET } }).tick(T0);
    expect(report.sent).toBe(2);
    expect(stub.accepted).toHaveLength(2);
    for (const req of stub.accepted) {
      expect(req.method).toBe('POST');
      expect(req.path).toBe('/hook');
      expect(req.headers['content-type']).toBe('application/json');
      expect(req.headers['idempotency-key']).toMatch(/^[0-9a-f-]{36}:\d+$/);
    }
    expect(stub.accepted.map((r) => JSON.parse(r.body.toString())).sort((a, b) => a.externalId.localeCompare(b.externalId))).toEqual([
      { externalId: 'w0', plan: 'free' },
      { externalId: 'w1', plan: 'pro' },
    ]);
    expect((await messages()).map((m) => m.status)).toEqual(['delivered', 'delivered']);
    // a tampered body does not verify
    const forged = { ...stub.accepted[0], body: Buffer.from('{"externalId":"w0","plan":"enterprise"}') };
    expect(verifySignature(forged)).toBe(false);
  });

  it.each<[string, 'retry' | 'permanent', StubReply | 'refused', number]>([
    ['a 500', 'retry', { status: 500, body: 'oops' }, 1000],
    ['a 429 with Retry-After: 120', 'retry', { status: 429, headers: { 'Retry-After': '120' } }, 120_000],
    ['a hang (no answer)', 'retry', 'hang', 1000],
    ['a refused connection', 'retry', 'refused', 1000],
    ['a 400', 'permanent', { status: 400, body: '{"error":"bad payload"}' }, 0],
  ])('%s gives a %s failure, and each key is delivered once', async (_label, verdict, fault, delayMs) => {
    let target = `${stub.url}/hook`;
    if (fault === 'refused') target = `http://127.0.0.1:${await refusedPort()}/hook`;
    else stub.reply = () => fault;
    await seedContacts(db, 3, { prefix: 'f', attributes: () => ({ seg: 1 }) });
    await createActiveFlow(db, oneSendGraph({ channel: 'webhook', template: { url: target, body: '{}' } }));
    const engine = engineWith({ webhook: { secret: SECRET } });
    const first = await engine.tick(T0);
    let rows = await messages();
    if (verdict === 'permanent') {
      expect(first.failed).toBe(3);
      expect(rows.map((m) => m.status)).toEqual(['failed', 'failed', 'failed']);
      expect(rows[0].last_error).toContain('400');
      expect((await deliveryLog()).map((d) => d.status)).toEqual(['failed', 'failed', 'failed']);
      expect(stub.accepted).toHaveLength(0);
      return;
    }
    expect(first.sent).toBe(0);
    expect(rows.map((m) => m.status)).toEqual(['queued', 'queued', 'queued']);
    for (const m of rows) {
      expect(m.attempts).toBe(1);
      expect(m.next_attempt_at.getTime()).toBe(T0.getTime() + delayMs);
    }
    expect((await deliveryLog()).map((d) => d.status)).toEqual(['retrying', 'retrying', 'retrying']);
    // nothing is due before the backoff (or Retry-After) ends
    expect(
      (await dispatchOnce(db, new Date(T0.getTime() + delayMs - 1), { ...defaultDispatchOptions, adapters: built!.adapters })).claimed,
    ).toBe(0);

    // the provider recovers: every message is delivered once, with its own key
    stub.reply = () => ({ status: 200, body: '{}' });
    // the refused messages still point at the dead port: a receiver starts listening there
    let reopened: http.Server | null = null;
    const acceptedOnReopened: string[] = [];
    if (fault === 'refused') {
      const port = Number(new URL(target).port);
      reopened = http.createServer((req, res) => {
        acceptedOnReopened.push(String(req.headers['idempotency-key']));
        req.resume();
        req.on('end', () => res.writeHead(200).end('{}'));
      });
      await new Promise<void>((resolve) => reopened!.listen(port, '127.0.0.1', () => resolve()));
    }
    try {
      const second = await dispatchOnce(db, new Date(T0.getTime() + delayMs), { ...defaultDispatchOptions, adapters: built!.adapters });
      expect(second).toMatchObject({ claimed: 3, sent: 3 });
      rows = await messages();
      expect(rows.map((m) => m.status)).toEqual(['delivered', 'delivered', 'delivered']);
      expect(rows.map((m) => m.attempts)).toEqual([2, 2, 2]);
      const keys = fault === 'refused' ? acceptedOnReopened : stub.accepted.map((r) => String(r.headers['idempotency-key']));
      expect(keys).toHaveLength(3);
      expect(new Set(keys).size).toBe(3);
      expect(keys.sort()).toEqual(rows.map((m) => m.idempotency_key).sort());
      if (fault === 'hang') expect(stub.received).toHaveLength(6); // three hung, three answered: delivered once each
    } finally {
      if (reopened) {
        reopened.closeAllConnections();
        await new Promise<void>((resolve) => reopened!.close(() => resolve()));
      }
    }
  });

  it('two dispatchers on one outbox never send a key twice', async () => {
    await seedContacts(db, 40, { prefix: 'd', attributes: () => ({ seg: 1 }) });
    await createActiveFlow(db, oneSendGraph({ channel: 'webhook', template: { url: `${stub.url}/hook`, body: '{}' } }));
    const engine = engineWith({ webhook: { secret: SECRET } });
    // journeys advance without dispatching: the 40 messages wait in the outbox
    await engine.enroll(T0);
    await engine.runDue(T0, await loadEngineSettings(db), {
      now: T0,
      enrolled: 0,
      steps: 0,
      claimed: 0,
      batches: 0,
      queued: 0,
      sent: 0,
      failed: 0,
    });
    expect((await messages()).every((m) => m.status === 'queued')).toBe(true);
    const options = { ...defaultDispatchOptions, adapters: built!.adapters, batchSize: 8, concurrency: 4 };
    const drain = async () => {
      let sent = 0;
      for (let r = await dispatchOnce(db, T0, options); r.claimed; r = await dispatchOnce(db, T0, options)) sent += r.sent;
      return sent;
    };
    const [a, b] = await Promise.all([drain(), drain()]);
    expect(a + b).toBe(40);
    const keys = stub.accepted.map((r) => String(r.headers['idempotency-key']));
    expect(keys).toHaveLength(40);
    expect(new Set(keys).size).toBe(40);
  });

  it('gives up after maxAttempts retryable failures', async () => {
    stub.reply = () => ({ status: 503 });
    await seedContacts(db, 1, { prefix: 'g', attributes: () => ({ seg: 1 }) });
    await createActiveFlow(db, oneSendGraph({ channel: 'webhook', template: { url: `${stub.url}/hook`, body: '{}' } }));
    const engine = engineWith({ webhook: { secret: SECRET } });
    await engine.tick(T0);
    const options = { ...defaultDispatchOptions, adapters: built!.adapters, backoffMs: 1000, maxAttempts: 3 };
    await dispatchOnce(db, new Date(T0.getTime() + 1000), options);
    await dispatchOnce(db, new Date(T0.getTime() + 3000), options);
    const [m] = await messages();
    expect(m).toMatchObject({ status: 'failed', attempts: 3 });
    expect(stub.received).toHaveLength(3);
  });
});

describe('push adapter (FCM HTTP v1)', () => {
  it('sends the FCM v1 shape with the bearer token; the click link is tracked', async () => {
    stub.reply = (req) =>
      req.headers.authorization === 'Bearer fcm-token'
        ? { status: 200, body: JSON.stringify({ name: `projects/p/messages/${stub.accepted.length}` }) }
        : { status: 401 };
    await seedContacts(db, 1, { prefix: 'p', attributes: () => ({ seg: 1, pushToken: 'device-token-1', firstName: 'Li' }) });
    await createActiveFlow(
      db,
      oneSendGraph({
        channel: 'push',
        template: { title: 'Hi {{firstName}}', body: 'Your cart misses you', url: 'https://shop.example/cart' },
      }),
    );
    const report = await engineWith({ fcm: { url: `${stub.url}/v1/projects/p/messages:send`, token: 'fcm-token' } }).tick(T0);
    expect(report.sent).toBe(1);
    const [req] = stub.accepted;
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/v1/projects/p/messages:send');
    expect(req.headers['content-type']).toMatch(/^application\/json/);
    const [m] = await messages();
    expect(JSON.parse(req.body.toString())).toEqual({
      message: {
        token: 'device-token-1',
        notification: { title: 'Hi Li', body: 'Your cart misses you' },
        data: { messageId: m.id, url: `${PUBLIC_URL}/t/c/${m.id}` },
      },
    });
    expect(m).toMatchObject({ status: 'sent', provider_id: 'projects/p/messages/0' });
  });

  it('a message queued before an unsubscribe is not sent after it', async () => {
    stub.reply = () => ({ status: 500 });
    await seedContacts(db, 1, { prefix: 'q', attributes: () => ({ seg: 1, pushToken: 'tok' }) });
    await createActiveFlow(db, oneSendGraph({ channel: 'push', template: { title: 'Hi', body: 'there' } }));
    await engineWith({ fcm: { url: `${stub.url}/send`, token: 't' } }).tick(T0);
    expect((await messages())[0].status).toBe('queued');
    await db.query(`UPDATE contacts SET consent = consent || '{"push": false}'`);
    stub.reply = () => ({ status: 200, body: '{}' });
    await dispatchOnce(db, new Date(T0.getTime() + 1000), { ...defaultDispatchOptions, adapters: built!.adapters });
    const [m] = await messages();
    expect(m.status).toBe('failed');
    expect(m.last_error).toMatch(/withdrew push consent/);
    expect(stub.received).toHaveLength(1);
    expect(stub.accepted).toHaveLength(0);
  });

  it('an unregistered token is a permanent failure that clears the token and is logged', async () => {
    stub.reply = () => ({
      status: 404,
      body: JSON.stringify({ error: { status: 'NOT_FOUND', details: [{ errorCode: 'UNREGISTERED' }] } }),
    });
    await seedContacts(db, 1, { prefix: 'p', attributes: () => ({ seg: 1, pushToken: 'dead-token', email: 'x@example.com' }) });
    await createActiveFlow(db, oneSendGraph({ channel: 'push', template: { title: 'Hi', body: 'there' } }));
    const report = await engineWith({ fcm: { url: `${stub.url}/send`, token: 'fcm-token' } }).tick(T0);
    expect(report.failed).toBe(1);
    const [m] = await messages();
    expect(m.status).toBe('failed');
    expect(m.attributes).toEqual({ seg: 1, email: 'x@example.com' });
    expect(await deliveryLog()).toEqual([expect.objectContaining({ status: 'failed', clearedAttribute: 'pushToken' })]);
  });
});

describe('push adapter (Web Push)', () => {
  it('encrypts for the subscription with VAPID; the endpoint decrypts with the test keys', async () => {
    const webpush = await import('web-push');
    const vapid = webpush.generateVAPIDKeys();
    const browser = createECDH('prime256v1');
    browser.generateKeys();
    const authSecret = randomBytes(16);
    const subscription = {
      endpoint: `${stub.url}/push/sub-1`,
      keys: { p256dh: browser.getPublicKey().toString('base64url'), auth: authSecret.toString('base64url') },
    };
    let decrypted = '';
    stub.reply = (req) => {
      if (!String(req.headers.authorization).startsWith('vapid t=')) return { status: 401 };
      if (req.headers['content-encoding'] !== 'aes128gcm') return { status: 415 };
      decrypted = ece
        .decrypt(req.body, { version: 'aes128gcm', privateKey: browser, authSecret: authSecret.toString('base64url') })
        .toString('utf8');
      return { status: 201, headers: { Location: `${stub.url}/msg/1` } };
    };
    await seedContacts(db, 1, { prefix: 'b', attributes: () => ({ seg: 1, webPush: subscription }) });
    await createActiveFlow(
      db,
      oneSendGraph({ channel: 'push', template: { title: '回来看看', body: 'We saved your cart', url: 'https://shop.example/cart' } }),
    );
    const report = await engineWith({ vapid: { ...vapid, subject: 'mailto:ops@shop.example' } }).tick(T0);
    expect(report.sent).toBe(1);
    const [m] = await messages();
    expect(JSON.parse(decrypted)).toEqual({
      title: '回来看看',
      body: 'We saved your cart',
      messageId: m.id,
      url: `${PUBLIC_URL}/t/c/${m.id}`,
    });
    expect(stub.accepted[0].headers.ttl).toBeDefined();
  });

  it('an expired subscription (410) clears it', async () => {
    const webpush = await import('web-push');
    const vapid = webpush.generateVAPIDKeys();
    const browser = createECDH('prime256v1');
    browser.generateKeys();
    const subscription = {
      endpoint: `${stub.url}/push/gone`,
      keys: { p256dh: browser.getPublicKey().toString('base64url'), auth: randomBytes(16).toString('base64url') },
    };
    stub.reply = () => ({ status: 410 });
    await seedContacts(db, 1, { prefix: 'b', attributes: () => ({ seg: 1, webPush: subscription }) });
    await createActiveFlow(db, oneSendGraph({ channel: 'push', template: { title: 'Hi', body: 'there' } }));
    await engineWith({ vapid: { ...vapid, subject: 'mailto:ops@shop.example' } }).tick(T0);
    const [m] = await messages();
    expect(m.status).toBe('failed');
    expect(m.attributes).toEqual({ seg: 1 });
  });
});

describe('sms adapter', () => {
  it('form POSTs with basic auth; a Chinese SMS of 71 characters is 2 segments stored on the message', async () => {
    stub.reply = (req) =>
      req.headers.authorization === `Basic ${Buffer.from('AC123:sms-token').toString('base64')}`
        ? { status: 201, body: JSON.stringify({ sid: `SM${stub.accepted.length}` }) }
        : { status: 401 };
    const text = '您'.repeat(71);
    await seedContacts(db, 1, { prefix: 's', consent: { sms: true }, attributes: () => ({ seg: 1, phone: '+8613800000000' }) });
    await createActiveFlow(db, oneSendGraph({ channel: 'sms', template: { body: text } }));
    const report = await engineWith({
      sms: { url: `${stub.url}/2010-04-01/Accounts/AC123/Messages.json`, account: 'AC123', token: 'sms-token', from: '+15550001' },
    }).tick(T0);
    expect(report.sent).toBe(1);
    const [req] = stub.accepted;
    expect(req.method).toBe('POST');
    expect(req.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(req.body.toString()))).toEqual({ To: '+8613800000000', From: '+15550001', Body: text });
    const [m] = await messages();
    expect(m).toMatchObject({ status: 'sent', provider_id: 'SM0', segments: 2 });
  });

  it('a 400 (invalid number) is permanent', async () => {
    stub.reply = () => ({ status: 400, body: JSON.stringify({ code: 21211, message: 'invalid To' }) });
    await seedContacts(db, 1, { prefix: 's', consent: { sms: true }, attributes: () => ({ seg: 1, phone: '+1' }) });
    await createActiveFlow(db, oneSendGraph({ channel: 'sms', template: { body: 'hi' } }));
    await engineWith({ sms: { url: `${stub.url}/sms`, account: 'a', token: 'b', from: 'c' } }).tick(T0);
    expect((await messages())[0]).toMatchObject({ status: 'failed', attempts: 1 });
  });
});
