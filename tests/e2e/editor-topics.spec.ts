/**
 * Settings → Topics and the message form's topic picker in Debian's Chromium: an admin adds an opt-out and an opt-in
 * topic (the short name made from the name; an empty name and a taken short name are refused at their fields),
 * renames one (its key stays), a viewer reads the list without the controls, and a message node picks a topic from
 * the list, and the saved flow names the key (that the engine then skips contacts who left it is topics.spec.ts).
 */
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { startApi, type ApiHarness } from '../support/api-app';
import { ensureEditorBuilt, launchChromium, listenLocally, signIn } from '../support/editor-browser';

const PASSWORD = 'correct horse battery staple';
const SHOTS = '/tmp/shots-stack';

let api: ApiHarness;
let browser: Browser;
let base: string;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  ensureEditorBuilt();
  api = await startApi('editor_topics');
  for (const [email, role] of [
    ['boss@example.com', 'admin'],
    ['reader@example.com', 'viewer'],
  ]) {
    await api.http().post('/api/users').set('Authorization', api.admin).send({ email, password: PASSWORD, role }).expect(201);
  }
  base = await listenLocally(api);
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await api?.close();
});

async function pageAs(email: string): Promise<Page> {
  const page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
  await signIn(page, base, email, PASSWORD);
  return page;
}

const topics = async () =>
  (await api.http().get('/api/topics').set('Authorization', api.admin).expect(200)).body.items as {
    key: string;
    name: string;
    description: string;
    defaultSubscribed: boolean;
  }[];

it('adds, refuses and renames topics in plain words; a viewer only reads them', async () => {
  const page = await pageAs('boss@example.com');
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${base}/#/settings/topics`);
  await page.getByRole('heading', { name: 'Subscription topics' }).waitFor();
  await page.getByText('No topics yet').waitFor();
  const add = page.locator('[data-add-topic]');

  // nothing typed: the name field says so, nothing is stored
  await add.getByRole('button', { name: 'Add topic' }).click();
  await add.locator('.field.invalid .field-error', { hasText: 'Give the topic a name.' }).waitFor();
  expect(await topics()).toEqual([]);

  await add.locator('input[name=topicName]').fill('Offers');
  expect(await add.locator('input[name=topicKey]').inputValue()).toBe('offers');
  await add.locator('input[name=topicDescription]').fill('Coupons and sales');
  await add.getByRole('button', { name: 'Add topic' }).click();
  await page.locator('[data-topic=offers]', { hasText: 'Everyone, until they leave it (opt-out)' }).waitFor();

  await add.locator('input[name=topicName]').fill('Product news!');
  expect(await add.locator('input[name=topicKey]').inputValue()).toBe('product-news');
  await add.getByText('Only people who choose it (opt-in)').click();
  await add.getByRole('button', { name: 'Add topic' }).click();
  await page.locator('[data-topic=product-news]', { hasText: 'Only people who choose it (opt-in)' }).waitFor();

  // a short name already taken is refused at its field
  await add.locator('input[name=topicName]').fill('Offers');
  await add.getByRole('button', { name: 'Add topic' }).click();
  await add.locator('.field.invalid .field-error', { hasText: 'There is already a topic "offers".' }).waitFor();

  // rename: the key flows use stays
  await page.locator('[data-topic=offers] [data-action=edit-topic]').click();
  await page.locator('[data-topic=offers] input[name=topicName]').fill('Deals and offers');
  await page.locator('[data-topic=offers] [data-action=save-topic]').click();
  await page.getByText('Saved “Deals and offers”.').waitFor();
  await page.screenshot({ path: `${SHOTS}/topics-settings.png` });
  expect(await topics()).toEqual([
    expect.objectContaining({ key: 'offers', name: 'Deals and offers', description: 'Coupons and sales', defaultSubscribed: true }),
    expect.objectContaining({ key: 'product-news', name: 'Product news!', defaultSubscribed: false }),
  ]);
  expect(errors).toEqual([]);

  const reader = await pageAs('reader@example.com');
  await reader.goto(`${base}/#/settings/topics`);
  await reader.locator('[data-topic=offers]', { hasText: 'Deals and offers' }).waitFor();
  await reader.getByText('Only admins can change these.').waitFor();
  expect(await reader.locator('[data-add-topic], [data-action=edit-topic]').count()).toBe(0);
}, 90_000);

it('a message node picks its topic from the list; the saved flow names the key', async () => {
  const graph = {
    nodes: [
      { id: 't', type: 'trigger', position: { x: 0, y: 0 }, data: { kind: 'event', event: 'cart_updated' } },
      {
        id: 'm',
        type: 'channel',
        position: { x: 0, y: 160 },
        data: { channel: 'email', template: { subject: 'A coupon', text: '10 % off' } },
      },
    ],
    edges: [{ id: 'e1', source: 't', target: 'm' }],
  };
  const flow = (await api.http().post('/api/flows').set('Authorization', api.admin).send({ name: 'Cart offer', graph }).expect(201)).body;
  const page = await pageAs('boss@example.com');
  await page.goto(`${base}/#/flows/${flow.id}`);
  await page.click('[data-node-id="m"]');
  const form = page.locator('[data-inspector="m"]');
  const picker = form.locator('select[name=topic]');
  await form.getByText('Name a topic (Settings → Topics)').waitFor();
  expect(await picker.locator('option').allTextContents()).toEqual([
    'No topic: everyone with consent for the channel',
    'Deals and offers (opt-out)',
    'Product news! (opt-in)',
  ]);
  await picker.selectOption('offers');
  await form.getByText('Sent to everyone except those who left “Deals and offers”.').waitFor();
  await page.screenshot({ path: `${SHOTS}/topics-message-form.png` });
  await page.locator('[data-save-status=saved]', { hasText: /^Saved · \d\d:\d\d/ }).waitFor();
  const stored = (await api.http().get(`/api/flows/${flow.id}`).set('Authorization', api.admin).expect(200)).body;
  expect(stored.graph.nodes.find((n: { id: string }) => n.id === 'm').data.topic).toBe('offers');

  // back to no topic: the key is removed, not left empty
  await picker.selectOption('');
  let data: Record<string, unknown> = { topic: 'offers' };
  for (let i = 0; i < 60 && 'topic' in data; i++) {
    await page.waitForTimeout(250);
    data = (await api.http().get(`/api/flows/${flow.id}`).set('Authorization', api.admin)).body.graph.nodes[1].data;
  }
  expect(data).not.toHaveProperty('topic');
}, 90_000);
