/**
 * Provider rate limits from the workspace settings (issue #22): set in Settings → Guardrails (a browser edits them),
 * validated by the shared zod schema, enforced by the engine (messages over the limit wait in the outbox, in order,
 * none lost or doubled) and shown on Operations with the current rate and the backlog; SEND_RATE_LIMITS, when the
 * server sets it, wins over them — the API, Operations and the Settings screen say so.
 */
import type { Browser, Page } from 'playwright-core';
import { startApi } from '../support/api-app';
import { ensureEditorBuilt, launchChromium, listenLocally, signIn } from '../support/editor-browser';

const START = new Date('2027-06-01T12:00:00Z');
const PASSWORD = 'correct horse battery staple';
let browser: Browser;

beforeAll(async () => {
  ensureEditorBuilt();
  browser = await launchChromium();
}, 60_000);
afterAll(() => browser?.close());

async function workspace(label: string, env: Record<string, string> = {}) {
  const api = await startApi(label, { CLOCK: 'virtual', ...env });
  await api.sql(`INSERT INTO engine_clock (id, now) VALUES (1, $1)`, [START]);
  const call = (method: 'get' | 'post' | 'put', path: string, body?: unknown) => {
    const http = api.http();
    const req = method === 'get' ? http.get(path) : method === 'post' ? http.post(path) : http.put(path);
    return req.set('Authorization', api.admin).send(body as object);
  };
  await call('post', '/api/users', { email: 'boss@example.com', password: PASSWORD, role: 'admin' }).expect(201);
  const contacts = Array.from({ length: 5 }, (_, i) => ({
    externalId: `c${i}`,
    consent: { sms: true },
    attributes: { phone: `+1555000000${i}` },
  }));
  await call('post', '/api/contacts', contacts).expect(200);
  const graph = {
    nodes: [
      { id: 't', type: 'trigger', position: { x: 0, y: 0 }, data: { kind: 'event', event: 'promo' } },
      { id: 'm', type: 'channel', position: { x: 0, y: 100 }, data: { channel: 'sms', template: { body: 'Sale today' } } },
    ],
    edges: [{ id: 'e1', source: 't', target: 'm' }],
  };
  const flow = (await call('post', '/api/flows', { name: 'SMS', graph, settings: { holdoutPercent: 0 } }).expect(201)).body;
  await call('post', `/api/flows/${flow.id}/activate`).expect(200);
  const sent = async () =>
    (
      await api.sql<{ external_id: string }>(
        `SELECT c.external_id FROM messages m JOIN contacts c ON c.id = m.contact_id WHERE m.status IN ('sent', 'delivered') ORDER BY m.sent_at, m.created_at`,
      )
    ).map((r) => r.external_id);
  const enter = async () => {
    // one by one, a second apart: the queue order is c0 … c4
    for (const c of contacts) {
      await call('post', '/api/events', [{ externalId: c.externalId, name: 'promo' }]).expect(200);
      await call('post', '/api/clock/advance', { by: 'PT1S' }).expect(201);
    }
  };
  return { api, call, sent, enter, base: await listenLocally(api) };
}

async function signedIn(base: string): Promise<Page> {
  const page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
  await signIn(page, base, 'boss@example.com', PASSWORD);
  return page;
}

it('a limit set in Settings → Guardrails holds the outbox back in order and shows on Operations', async () => {
  const w = await workspace('rate_settings');
  try {
    // the shared schema refuses what no provider limit is, naming the field
    const refused = await w.call('put', '/api/settings', { sendRateLimits: [{ channel: 'fax', limit: 0, per: 'w' }] }).expect(400);
    expect(refused.body.message).toMatch(/sendRateLimits/);

    // the browser adds "SMS: at most 2 a minute" and saves
    const page = await signedIn(w.base);
    await page.goto(`${w.base}/#/settings`);
    const limits = page.locator('[data-rate-limits]');
    await limits.getByText('No limit: messages go as fast as the engine sends them.').waitFor();
    await limits.getByRole('button', { name: 'Add a limit' }).click();
    await limits.locator('input[name=limit-count-0]').fill('0');
    await limits.locator('.field-error', { hasText: 'A whole number of messages, at least 1.' }).waitFor();
    await limits.locator('input[name=limit-count-0]').fill('2');
    await limits.locator('select[name=limit-per-0]').selectOption('m');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Settings saved.').waitFor();
    expect((await w.call('get', '/api/settings').expect(200)).body.sendRateLimits).toEqual([{ channel: 'sms', limit: 2, per: 'm' }]);

    await w.enter();
    // five SMS queued within 5 s; two go, three wait in the outbox
    expect(await w.sent()).toEqual(['c0', 'c1']);
    const details = (await w.call('get', '/api/health/details').expect(200)).body;
    expect(details.rateLimitsFrom).toBe('settings');
    expect(details.rateLimits).toEqual([{ channel: 'sms', limit: 2, per: 'm', sentInWindow: 2, backlog: 3 }]);

    await page.goto(`${w.base}/#/operations`);
    const row = page.locator('[data-ops-rate-limits] [data-rate-limit="sms:2/m"]');
    await row.locator('[data-rate]', { hasText: '2 messages sent in the last minute (100 % of the limit)' }).waitFor();
    await row.locator('[data-backlog]', { hasText: '3 due messages waiting for room, in order' }).waitFor();
    await page.getByText('from Settings → Guardrails').waitFor();
    await page.locator('[data-ops-rate-limits]').screenshot({ path: '/tmp/shots-stack/operations-rate-limits.png' });

    // a minute on, two more; then the last: in queue order, each once
    await w.call('post', '/api/clock/advance', { by: 'PT1M' }).expect(201);
    expect(await w.sent()).toEqual(['c0', 'c1', 'c2', 'c3']);
    await w.call('post', '/api/clock/advance', { by: 'PT1M' }).expect(201);
    expect(await w.sent()).toEqual(['c0', 'c1', 'c2', 'c3', 'c4']);
    const [{ n }] = await w.api.sql<{ n: number }>(`SELECT count(*)::int AS n FROM messages`);
    expect(n).toBe(5);
  } finally {
    await w.api.close();
  }
}, 120_000);

it('SEND_RATE_LIMITS wins over the settings when the server sets it, and the screens say so', async () => {
  const w = await workspace('rate_env', { SEND_RATE_LIMITS: 'sms=1/d' });
  try {
    await w.call('put', '/api/settings', { sendRateLimits: [{ channel: 'sms', limit: 100, per: 's' }] }).expect(200);
    await w.enter();
    expect(await w.sent()).toEqual(['c0']);
    const details = (await w.call('get', '/api/health/details').expect(200)).body;
    expect(details.rateLimitsFrom).toBe('environment');
    expect(details.rateLimits).toEqual([{ channel: 'sms', limit: 1, per: 'd', sentInWindow: 1, backlog: 4 }]);

    const page = await signedIn(w.base);
    await page.goto(`${w.base}/#/settings`);
    await page.locator('[data-rate-limits-overridden]', { hasText: 'The server sets SEND_RATE_LIMITS, which wins' }).waitFor();
    await page.screenshot({ path: '/tmp/shots-stack/settings-rate-limits-overridden.png' });
    await page.goto(`${w.base}/#/operations`);
    await page.locator('[data-rate-limit="sms:1/d"] [data-backlog]', { hasText: '4 due messages waiting for room' }).waitFor();
  } finally {
    await w.api.close();
  }
}, 120_000);
