/**
 * Activation you can trust and words a marketer reads, in Debian's Chromium against the real app on a virtual clock:
 * Activate stays off on an invalid draft, naming the first problem with a link to its step; the goal's wait is a
 * plain-words form and its card says so; the activation dialog sets the holdout with its consequence; the journey log
 * says "no push consent and no fallback channel" and opens beside the list; the Metrics funnel ends with "converted
 * after a message". Screenshots under tests/artifacts/ (git-ignored).
 *
 *   trigger(inactive 7 d) → push(channel) → paid(goal order_paid)        lonely(delay, unreachable: the error)
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { FlowGraphDocument } from '@boomerang/engine';
import { startApi, type ApiHarness } from '../support/api-app';
import { ensureEditorBuilt, launchChromium, listenLocally, signIn } from '../support/editor-browser';
import { repoRoot } from '../support/process';

jest.setTimeout(300_000);

const ARTIFACTS = join(repoRoot, 'tests', 'artifacts');
const EMAIL = 'operator@example.com';
const PASSWORD = 'correct horse battery staple';
const START = new Date('2027-03-01T10:00:00Z');

const graph: FlowGraphDocument = {
  nodes: [
    { id: 'trigger', type: 'trigger', position: { x: 0, y: 0 }, data: { kind: 'inactive', days: 7 } },
    {
      id: 'push',
      type: 'channel',
      position: { x: 0, y: 220 },
      data: { channel: 'push', template: { title: 'We miss you', body: 'Come back' } },
    },
    { id: 'paid', type: 'goal', position: { x: 0, y: 440 }, data: { event: 'order_paid' } },
    { id: 'lonely', type: 'delay', position: { x: 400, y: 220 }, data: { duration: 'P1D' }, label: 'Lonely wait' },
  ],
  edges: [
    { id: 'e1', source: 'trigger', target: 'push' },
    { id: 'e2', source: 'push', target: 'paid' },
  ],
};

async function shoot(page: Page, name: string): Promise<void> {
  for (const [w, h] of [
    [1280, 720],
    [1440, 900],
  ]) {
    await page.setViewportSize({ width: w, height: h });
    await page.waitForTimeout(150);
    await page.screenshot({ path: join(ARTIFACTS, `${name}-${w}x${h}.png`) });
  }
}

describe('activation you can trust, in plain words', () => {
  let api: ApiHarness;
  let browser: Browser;
  let page: Page;
  let base: string;
  let flowId: string;
  const pageErrors: string[] = [];
  const stored = async () => (await api.http().get(`/api/flows/${flowId}`).set('Authorization', api.admin).expect(200)).body;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    ensureEditorBuilt();
    api = await startApi('editor_activation', { CLOCK: 'virtual' });
    await api.sql(`INSERT INTO engine_clock (id, now) VALUES (1, $1)`, [START]);
    base = await listenLocally(api);
    const auth = { Authorization: api.admin };
    await api.http().put('/api/settings').set(auth).send({ quietHours: null, frequencyCaps: [] }).expect(200);
    await api.http().post('/api/users').set(auth).send({ email: EMAIL, password: PASSWORD, role: 'admin' }).expect(201);
    // lapsed, with a push token but no push consent: the message cannot go out
    await api
      .http()
      .post('/api/contacts')
      .set(auth)
      .send([{ externalId: 'no-consent', timezone: 'Asia/Shanghai', consent: { push: false }, attributes: { pushToken: 'tok' } }])
      .expect(200);
    await api
      .http()
      .post('/api/events')
      .set(auth)
      .send([{ externalId: 'no-consent', name: 'app_open', occurredAt: new Date(START.getTime() - 10 * 86_400_000).toISOString() }])
      .expect(200);
    flowId = (await api.http().post('/api/flows').set(auth).send({ name: 'Lapsed push', graph }).expect(201)).body.id;
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await signIn(page, base, EMAIL, PASSWORD);
  });

  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  it('keeps Activate off on an invalid draft, naming the first problem with a link to its step', async () => {
    await page.goto(`${base}/#/flows/${flowId}`);
    await page.locator('[data-node-id="lonely"]').waitFor();
    const activate = page.locator('[data-action=activate]');
    await page.locator('[data-activate-blocked]').waitFor();
    expect(await activate.isDisabled()).toBe(true);
    expect(await page.locator('[data-activate-blocked]').textContent()).toContain(
      '“Lonely wait”: Nothing leads to this step: connect an earlier step to it, or delete it.',
    );
    await shoot(page, 'activation-01-blocked');
    await page.click('[data-first-problem="lonely"]');
    await page.locator('[data-inspector="lonely"]').waitFor();

    // fixing it (deleting the stray step) turns Activate on; nothing was activated meanwhile
    await page.keyboard.press('Delete');
    await page.locator('[data-node-id="lonely"]').waitFor({ state: 'detached' });
    await page.locator('[data-activate-blocked]').waitFor({ state: 'detached' });
    expect(await activate.isDisabled()).toBe(false);
    expect((await stored()).status).toBe('draft');
  });

  it('explains how long a reached goal waits, on the form and on the card', async () => {
    await page.click('.react-flow__controls-fitview'); // selecting the stray step had moved the view to it
    const summary = page.locator('[data-node-id="paid"] .flow-node-summary');
    expect(await summary.textContent()).toBe('Event “order_paid”, waits up to the attribution window');
    await page.click('[data-node-id="paid"]');
    const form = page.locator('[data-inspector="paid"]');
    await form.locator('select[name=goalWithinMode]').selectOption('custom');
    await form.locator('input[name=goalWithin-amount]').fill('5');
    await summary.filter({ hasText: 'Event “order_paid”, waits up to 5 days' }).waitFor();
    expect(await form.locator('[data-goal-sentence]').textContent()).toContain(
      "Journeys that reach this step wait up to 5 days for “order_paid”; if it doesn't come they end without converting.",
    );
    // a negative wait is refused at the field, the card keeps the last good value
    await form.locator('input[name=goalWithin-amount]').fill('-3');
    await form.locator('[data-duration-error]').waitFor();
    expect(await summary.textContent()).toBe('Event “order_paid”, waits up to 5 days');
    await form.locator('input[name=goalWithin-amount]').fill('3');
    await page.locator('[data-save-status=saved]').waitFor();
    const paid = (await stored()).graph.nodes.find((n: { id: string }) => n.id === 'paid');
    expect(paid.data).toEqual({ event: 'order_paid', within: 'P3D' });
    await shoot(page, 'activation-02-goal-within');
  });

  it('activates with the holdout chosen in the dialog, its consequence in one sentence', async () => {
    await page.click('[data-action=activate]');
    const dialog = page.locator('[data-activate]');
    await dialog.locator('[data-holdout-sentence]', { hasText: '10 in every 100 people who enter get nothing' }).waitFor();
    await dialog.locator('input[name=holdoutPercent]').fill('0');
    await dialog
      .locator('[data-holdout-sentence]', { hasText: 'without a control group the lift of this flow cannot be measured' })
      .waitFor();
    await shoot(page, 'activation-03-dialog');
    await page.click('[data-action=confirm-activate]');
    await page.locator('.flowbar .badge.status-active').waitFor();
    expect(await stored()).toMatchObject({ status: 'active', settings: { holdoutPercent: 0 } });
  });

  it('tells the journey in plain words, beside the list, and ends the funnel with conversions after a message', async () => {
    await api.http().post('/api/clock/advance').set('Authorization', api.admin).send({ by: 'PT1H' }).expect(201);
    await page.locator('.tabs').getByRole('link', { name: 'Journeys' }).click();
    const row = page.locator('[data-journey="no-consent"]');
    await row.click();
    const sentence = page.locator('.timeline .tl-sentence', { hasText: 'Not sent at “push”: no push consent and no fallback channel.' });
    await sentence.waitFor();
    // the timeline opens beside the list, not below it
    const list = (await row.boundingBox())!;
    const timeline = (await sentence.boundingBox())!;
    expect(timeline.x).toBeGreaterThan(list.x + list.width - 1);
    expect(timeline.y).toBeLessThan(900);
    await shoot(page, 'activation-04-journey-words');

    await page.locator('.tabs').getByRole('link', { name: 'Metrics' }).click();
    await page.locator('[data-stat="converted"] .stat-label', { hasText: 'Converted after a message' }).waitFor();
    expect(await page.locator('[data-organic]').textContent()).toBe('Nobody converted before being messaged.');
    expect(await page.locator('[data-lift-basis]').textContent()).toBe(
      'Lift compares all conversions (treatment vs holdout, intent-to-treat).',
    );
    const labels = await page.locator('[data-chart="funnel"] .stat-label').allTextContents();
    expect(labels).toEqual(
      ['Entered', 'Sent', 'Delivered', 'Clicked', 'Returned', 'Converted after a message'].filter((l) => labels.includes(l)),
    );
    expect(labels[labels.length - 1]).toBe('Converted after a message');
    // nobody came back: the retention card says so instead of drawing empty axes
    expect(await page.locator('[data-chart="retention"] [data-retention-empty]').textContent()).toBe(
      'Nobody has come back yet: once returned contacts have had a day, this shows how many stay active.',
    );
    await shoot(page, 'activation-05-metrics');
    expect(pageErrors).toEqual([]);
  });
});
