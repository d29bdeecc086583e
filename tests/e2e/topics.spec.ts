/**
 * Subscription topics (issue #22): a contact follows `{{links.preferences}}` from a message in Chromium, leaves the
 * topic "offers" on the page (in its locale), and a flow sending on "offers" skips it while others still get it; a
 * message already queued on the topic is stopped at send time; the API reads and sets the same choices.
 */
import type { Browser } from 'playwright-core';
import { ADMIN_KEY, ApiHarness, startApi, adminRequests } from '../support/api-app';
import { launchChromium, listenLocally, signIn } from '../support/editor-browser';

let api: ApiHarness;
let browser: Browser;
let base: string;
let welcomeFlow: string;
const START = new Date('2027-05-03T12:00:00Z');

const { get, post, put } = adminRequests(() => api);
const advance = (by: string) => post('/api/clock/advance', { by }).expect(201);

function graph(event: string, channel: 'email' | 'sms', template: Record<string, string>, topic?: string) {
  return {
    nodes: [
      { id: 't', type: 'trigger', position: { x: 0, y: 0 }, data: { kind: 'event', event } },
      { id: 'm', type: 'channel', position: { x: 0, y: 100 }, data: { channel, template, ...(topic ? { topic } : {}) } },
    ],
    edges: [{ id: 'e1', source: 't', target: 'm' }],
  };
}

async function activeFlow(name: string, g: unknown): Promise<string> {
  const flow = (await post('/api/flows', { name, graph: g, settings: { holdoutPercent: 0 } }).expect(201)).body as { id: string };
  await post(`/api/flows/${flow.id}/activate`).expect(200);
  return flow.id;
}

beforeAll(async () => {
  api = await startApi('topics', { CLOCK: 'virtual', SEND_RATE_LIMITS: 'sms=1/d' });
  await api.sql(`INSERT INTO engine_clock (id, now) VALUES (1, $1)`, [START]);
  base = await listenLocally(api);
  browser = await launchChromium();
  await put('/api/topics/offers', { name: 'Offers', description: 'Coupons and sales', defaultSubscribed: true }).expect(200);
  await put('/api/topics/news', { name: 'Product news', defaultSubscribed: false }).expect(200);
  await post('/api/contacts', [
    { externalId: 'ann', consent: { email: true }, attributes: { email: 'ann@example.com', locale: 'fr' } },
    { externalId: 'bob', consent: { email: true }, attributes: { email: 'bob@example.com' } },
    { externalId: 'carl', consent: { sms: true }, attributes: { phone: '+15550000001' } },
    { externalId: 'dana', consent: { sms: true }, attributes: { phone: '+15550000002' } },
  ]).expect(200);
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await api?.close();
});

it('lists topics and reads and sets a contact’s choices through the API', async () => {
  expect((await get('/api/topics').expect(200)).body.items.map((t: { key: string }) => t.key)).toEqual(['offers', 'news']);
  await put('/api/topics/Bad Key', { name: 'x', defaultSubscribed: true }).expect(400);
  const prefs = (await get('/api/contacts/bob/preferences').expect(200)).body;
  expect(prefs.topics).toEqual([
    expect.objectContaining({ key: 'offers', channels: { email: true, push: true, sms: true } }),
    expect.objectContaining({ key: 'news', channels: { email: false, push: false, sms: false } }),
  ]);
  const joined = (await put('/api/contacts/bob/preferences', { topics: { news: { email: true } } }).expect(200)).body;
  expect(joined.topics[1].channels).toEqual({ email: true, push: false, sms: false });
  await put('/api/contacts/bob/preferences', { topics: { nope: true } }).expect(400);

  // Segment's identify sets them too, with traits.subscriptions (never stored as an attribute)
  const segment = (body: unknown) =>
    api
      .http()
      .post('/v1/identify')
      .set('Authorization', `Basic ${Buffer.from(`${ADMIN_KEY}:`).toString('base64')}`)
      .send(body as object);
  await segment({ userId: 'eve', traits: { email: 'eve@example.com', subscriptions: { offers: false, news: { sms: true } } } }).expect(200);
  expect((await get('/api/contacts/eve/preferences').expect(200)).body.topics.map((t: { channels: unknown }) => t.channels)).toEqual([
    { email: false, push: false, sms: false },
    { email: false, push: false, sms: true },
  ]);
  expect((await get('/api/contacts/eve').expect(200)).body.attributes).toEqual({ email: 'eve@example.com' });
  const refused = await segment({ userId: 'eve', traits: { subscriptions: { nope: true } } }).expect(400);
  expect(refused.body.message).toMatch(/traits\.subscriptions: unknown topic "nope"/);
  await put('/api/contacts/nobody/preferences', { topics: { news: true } }).expect(404);
});

it('a contact leaves "offers" on the page its message links to, and a flow on "offers" skips it', async () => {
  welcomeFlow = await activeFlow(
    'Welcome',
    graph('signed_up', 'email', { subject: 'Welcome', text: 'Manage what you get: {{links.preferences}}' }),
  );
  await post('/api/events', [
    { externalId: 'ann', name: 'signed_up' },
    { externalId: 'bob', name: 'signed_up' },
  ]).expect(200);
  await advance('PT1M');
  const [welcome] = (await get('/api/messages?externalId=ann').expect(200)).body.items;
  // the link in the message carries a signed token: the message id, an expiry and a signature
  const link = /https?:\/\/\S+(\/t\/p\/([0-9a-f-]{36})\.[0-9a-z]+\.[\w-]{22})/.exec(welcome.content.text)!;
  expect(link).not.toBeNull();
  expect(link[2]).toBe(welcome.id);

  // the contact clicks the link as the message shows it (its text, made a link as mail clients do): the page speaks
  // French (its locale), with a box per topic and channel
  const page = await browser.newPage();
  await page.setContent(`<p>${welcome.content.text.replace(/https?:\/\/\S+/, `<a href="${base}${link[1]}">${base}${link[1]}</a>`)}</p>`);
  await page.getByRole('link').click();
  await page.getByRole('heading', { name: 'Vos abonnements' }).waitFor();
  expect(await page.isChecked('input[name="offers:email"]')).toBe(true);
  expect(await page.isChecked('input[name="news:email"]')).toBe(false);
  await page.uncheck('input[name="offers:email"]');
  await page.getByRole('button', { name: 'Enregistrer' }).click();
  await page.getByText('Vos choix sont enregistrés.').waitFor();
  expect(await page.isChecked('input[name="offers:email"]')).toBe(false);
  expect(await page.isChecked('input[name="offers:push"]')).toBe(true);
  await page.close();
  expect((await get('/api/contacts/ann/preferences').expect(200)).body.topics[0].channels).toEqual({ email: false, push: true, sms: true });

  const offers = await activeFlow('Cart offer', graph('cart_updated', 'email', { subject: 'A coupon', text: '10 % off' }, 'offers'));
  await post('/api/events', [
    { externalId: 'ann', name: 'cart_updated' },
    { externalId: 'bob', name: 'cart_updated' },
  ]).expect(200);
  await advance('PT1M');
  const sent = await api.sql<{ external_id: string; topic: string }>(
    `SELECT c.external_id, m.topic FROM messages m JOIN contacts c ON c.id = m.contact_id WHERE m.flow_id = $1`,
    [offers],
  );
  expect(sent).toEqual([{ external_id: 'bob', topic: 'offers' }]);
  const [journey] = (await get('/api/contacts/ann/journeys').expect(200)).body.items.filter((j: { flowId: string }) => j.flowId === offers);
  const guardrail = journey.log.find((l: { kind: string }) => l.kind === 'guardrail');
  expect(guardrail.detail.skipped).toEqual([expect.objectContaining({ channel: 'email', reason: 'unsubscribed' })]);
}, 60_000);

it('stops a message already queued on the topic when the contact leaves it; Leave everything turns every topic and channel off', async () => {
  // sms=1/d: of two SMS on "offers", one goes and the other waits in the outbox
  const flow = await activeFlow('SMS offer', graph('promo', 'sms', { body: 'Sale today' }, 'offers'));
  await post('/api/events', [
    { externalId: 'carl', name: 'promo' },
    { externalId: 'dana', name: 'promo' },
  ]).expect(200);
  await advance('PT1M');
  const [waiting] = await api.sql<{ external_id: string }>(
    `SELECT c.external_id FROM messages m JOIN contacts c ON c.id = m.contact_id WHERE m.flow_id = $1 AND m.status = 'queued'`,
    [flow],
  );
  expect(waiting).toBeDefined();
  await put(`/api/contacts/${waiting.external_id}/preferences`, { topics: { offers: false } }).expect(200);
  // its turn under the limit comes a day after the first send: then it is stopped, not sent
  await advance('P2D');
  const [stopped] = await api.sql<{ status: string; last_error: string }>(
    `SELECT m.status, m.last_error FROM messages m JOIN contacts c ON c.id = m.contact_id WHERE m.flow_id = $1 AND c.external_id = $2`,
    [flow, waiting.external_id],
  );
  expect(stopped).toEqual({ status: 'failed', last_error: expect.stringContaining('left the topic "offers"') });
  // a message stopped before any provider was asked uses no rate-limit permit
  const details = (await get('/api/health/details').expect(200)).body;
  expect(details.rateLimits).toEqual([expect.objectContaining({ channel: 'sms', sentInWindow: 0, backlog: 0 })]);

  // the List-Unsubscribe page (its GET changes nothing) offers the preference page too
  const unsubscribe = await api
    .http()
    .get(`/t/u/${await api.linkToken((await get('/api/messages?externalId=ann').expect(200)).body.items[0].id)}`)
    .expect(200);
  expect(unsubscribe.text).toMatch(/<a href="\/t\/p\/[0-9a-f-]+\.[\w.-]+">Ou choisissez les sujets que vous recevez<\/a>/);

  // Leave everything, from bob's own welcome message
  const [welcome] = (await get('/api/messages?externalId=bob').expect(200)).body.items.filter(
    (m: { content: { subject?: string } }) => m.content.subject === 'Welcome',
  );
  const path = /\/t\/p\/[\w.-]+/.exec(welcome.content.text)![0];
  const page = await browser.newPage();
  await page.goto(`${base}${path}`);
  await page.getByRole('button', { name: 'Leave everything' }).click();
  await page.getByText('You will not hear from us any more.').waitFor();
  await page.close();
  const bob = (await get('/api/contacts/bob/preferences').expect(200)).body;
  expect(bob.topics.map((t: { channels: unknown }) => t.channels)).toEqual([
    { email: false, push: false, sms: false },
    { email: false, push: false, sms: false },
  ]);
  expect((await get('/api/contacts/bob').expect(200)).body.consent).toEqual({ email: false, push: false, sms: false });
  // the bare message id (the unsigned link of old) opens nothing any more
  await api.http().get(`/t/p/${welcome.id}`).expect(403);

  // unsubscribes per topic: ann (page), eve (Segment), the stopped SMS's contact (API) and bob (everything) left
  // offers; bob left news, which eve joined on sms
  const counts = (await get('/api/topics').expect(200)).body.items.map((t: { key: string; left: number; joined: number }) => [
    t.key,
    t.left,
    t.joined,
  ]);
  expect(counts).toEqual([
    ['offers', 4, 0],
    ['news', 1, 1],
  ]);
}, 60_000);

it('a tampered, expired or borrowed link shows a clear page (403 / 410) in the reader’s language and changes nothing', async () => {
  const [annWelcome] = (await get('/api/messages?externalId=ann').expect(200)).body.items.filter(
    (m: { content: { subject?: string } }) => m.content.subject === 'Welcome',
  );
  const token = /\/t\/p\/([\w.-]+)/.exec(annWelcome.content.text)![1];
  const [messageId, expiry, signature] = token.split('.');
  const before = (await get('/api/contacts/ann/preferences').expect(200)).body;
  const consentBefore = (await get('/api/contacts/ann').expect(200)).body.consent;

  // in the browser: one character of the signature changed → 403, the page in the browser's language, no form
  const context = await browser.newContext({ locale: 'es-ES' });
  const page = await context.newPage();
  const flipped = `${signature.slice(0, -1)}${signature.endsWith('A') ? 'B' : 'A'}`;
  const answer = await page.goto(`${base}/t/p/${messageId}.${expiry}.${flipped}`);
  expect(answer?.status()).toBe(403);
  await page.getByRole('heading', { name: 'Este enlace no funciona' }).waitFor();
  expect(await page.locator('form').count()).toBe(0);
  await context.close();

  // borrowed: ann's signature on bob's message; a moved expiry; posts with them change nothing either
  const [bobWelcome] = (await get('/api/messages?externalId=bob').expect(200)).body.items;
  const later = (parseInt(expiry, 36) + 86_400 * 3650).toString(36);
  for (const forged of [`${bobWelcome.id}.${expiry}.${signature}`, `${messageId}.${later}.${signature}`]) {
    const res = await api.http().get(`/t/p/${forged}`).expect(403);
    expect(res.text).toContain('This link does not work');
    await api.http().post(`/t/p/${forged}`).type('form').send({ form: 'preferences', action: 'leave' }).expect(403);
    await api.http().post(`/t/u/${forged}`).type('form').send('List-Unsubscribe=One-Click').expect(403);
  }

  // expired: an authentic token past its date → 410 in the contact's language (ann reads French)
  const expired = await api.linkToken(messageId, new Date(START.getTime() - 400 * 86_400_000));
  const gone = await api.http().get(`/t/p/${expired}`).expect(410);
  expect(gone.text).toContain('Ce lien a expiré');
  await api.http().post(`/t/p/${expired}`).type('form').send({ form: 'preferences', action: 'leave' }).expect(410);
  await api.http().post(`/t/u/${expired}`).type('form').send({ confirm: 'page' }).expect(410);

  expect((await get('/api/contacts/ann/preferences').expect(200)).body).toEqual(before);
  expect((await get('/api/contacts/ann').expect(200)).body.consent).toEqual(consentBefore);
  const [{ unsubscribed }] = await api.sql<{ unsubscribed: number }>(
    `SELECT count(*)::int AS unsubscribed FROM messages WHERE id = ANY($1::uuid[]) AND unsubscribed_at IS NOT NULL`,
    [[messageId, bobWelcome.id]],
  );
  expect(unsubscribed).toBe(0);
}, 60_000);

it('the flow whose messages led contacts to leave topics counts them per topic: API, CSV and the Metrics screen', async () => {
  // ann unticked offers (email) on the Welcome message's page; bob left everything from his (offers, and news he had
  // joined); eve (Segment) and the SMS contact (API) left offers without a message: not this flow's
  const metrics = (await get(`/api/flows/${welcomeFlow}/metrics`).expect(200)).body;
  expect(metrics.unsubscribesByTopic).toEqual([
    { topic: 'offers', name: 'Offers', contacts: 2 },
    { topic: 'news', name: 'Product news', contacts: 1 },
  ]);
  const others = (await get('/api/flows').expect(200)).body.items.filter((f: { id: string }) => f.id !== welcomeFlow);
  for (const f of others) expect((await get(`/api/flows/${f.id}/metrics`).expect(200)).body.unsubscribesByTopic).toEqual([]);
  const csv = (await get(`/api/flows/${welcomeFlow}/export/metrics.csv`).expect(200)).text;
  expect(csv).toContain('topic,offers,unsubscribedContacts,2');
  expect(csv).toContain('topic,news,unsubscribedContacts,1');

  await api
    .http()
    .post('/api/users')
    .set('Authorization', api.admin)
    .send({ email: 'm@example.com', password: 'correct horse battery', role: 'viewer' })
    .expect(201);
  const page = await browser.newPage();
  await signIn(page, base, 'm@example.com', 'correct horse battery');
  await page.goto(`${base}/#/flows/${welcomeFlow}/metrics`);
  await page.locator('[data-topic-unsubscribes]', { hasText: 'Offers 2 contacts · Product news 1 contact' }).waitFor();
  await page.locator('[data-chart="cost"]').screenshot({ path: '/tmp/shots-stack/metrics-topic-unsubscribes.png' });
  await page.close();
}, 60_000);
