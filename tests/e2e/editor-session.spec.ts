/**
 * An editor a marketer can leave open all day, in Debian's Chromium against the real app on a virtual clock: leaving
 * with an unsaved change asks first (top navigation and sign-out), drafts save themselves and survive a reload, a
 * second person's save is a conflict that names them (never a silent overwrite), and the canvas counts, the Metrics
 * tab, the journeys and the flows list change on screen while events are ingested, without a reload; the last of 64
 * journey rows opens its timeline beside the list. Screenshots under tests/artifacts/ (git-ignored).
 *
 *   trigger(event signed_up) → welcome(push) → wait(P3D)        paid(goal order_paid, journey-wide)
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { FlowGraphDocument } from '@boomerang/engine';
import { startApi, type ApiHarness } from '../support/api-app';
import { ensureEditorBuilt, launchChromium, listenLocally, signIn } from '../support/editor-browser';
import { repoRoot } from '../support/process';

jest.setTimeout(300_000);

const ARTIFACTS = join(repoRoot, 'tests', 'artifacts');
const PASSWORD = 'correct horse battery staple';

const graph: FlowGraphDocument = {
  nodes: [
    { id: 'trigger', type: 'trigger', position: { x: 0, y: 0 }, data: { kind: 'event', event: 'signed_up' } },
    {
      id: 'welcome',
      type: 'channel',
      position: { x: 0, y: 200 },
      data: { channel: 'push', template: { title: 'Welcome', body: 'Come back' } },
    },
    { id: 'wait', type: 'delay', position: { x: 0, y: 420 }, data: { duration: 'P3D' } },
    { id: 'paid', type: 'goal', position: { x: 400, y: 0 }, data: { event: 'order_paid' } },
  ],
  edges: [
    { id: 'e1', source: 'trigger', target: 'welcome' },
    { id: 'e2', source: 'welcome', target: 'wait' },
  ],
};

async function shoot(page: Page, name: string): Promise<void> {
  for (const [w, h] of [
    [1280, 720],
    [1440, 900],
  ]) {
    await page.setViewportSize({ width: w, height: h });
    await page.waitForTimeout(150); // let React Flow re-measure
    await page.screenshot({ path: join(ARTIFACTS, `${name}-${w}x${h}.png`) });
  }
}

describe('editor sessions: never lose work, stay live', () => {
  let api: ApiHarness;
  let browser: Browser;
  let base: string;
  let flowId: string;
  const pageErrors: string[] = [];
  const contexts: BrowserContext[] = [];

  async function open(email: string, autosaveDelayMs?: number): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    contexts.push(context);
    if (autosaveDelayMs) await context.addInitScript(`localStorage.setItem('boomerang.autosaveDelayMs', '${autosaveDelayMs}')`);
    const page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await signIn(page, base, email, PASSWORD);
    await page.goto(`${base}/#/flows/${flowId}`);
    await page.locator('[data-node-id="wait"]').waitFor();
    return page;
  }

  const stored = async () => (await api.http().get(`/api/flows/${flowId}`).set('Authorization', api.admin).expect(200)).body;
  const waitData = async () => stored().then((f) => f.graph.nodes.find((n: { id: string }) => n.id === 'wait').data);

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    ensureEditorBuilt();
    api = await startApi('editor_session', { CLOCK: 'virtual' });
    await api.sql(`INSERT INTO engine_clock (id, now) VALUES (1, '2027-03-01T10:00:00Z')`);
    base = await listenLocally(api);
    const auth = { Authorization: api.admin };
    await api.http().put('/api/settings').set(auth).send({ quietHours: null, frequencyCaps: [] }).expect(200);
    for (const email of ['ana@example.com', 'bo@example.com'])
      await api.http().post('/api/users').set(auth).send({ email, password: PASSWORD, role: 'admin' }).expect(201);
    flowId = (
      await api
        .http()
        .post('/api/flows')
        .set(auth)
        .send({ name: 'Welcome push', graph, settings: { holdoutPercent: 0 } })
        .expect(201)
    ).body.id;
    browser = await launchChromium();
  });

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await api?.close();
  });

  it('asks before the top navigation or sign-out throws an unsaved change away', async () => {
    // a long autosave delay: the change is still unsaved when the user clicks away
    const page = await open('ana@example.com', 600_000);
    await page.click('[data-node-id="wait"]');
    await page.locator('[data-inspector="wait"] input[name=duration-amount]').fill('4');
    await page.locator('[data-save-status=unsaved]').waitFor();

    const asked: string[] = [];
    page.on('dialog', (d) => {
      asked.push(d.message());
      void d.dismiss(); // "stay"
    });
    const first = page.waitForEvent('dialog');
    await page.locator('.topbar').getByRole('link', { name: 'Contacts' }).click();
    await first;
    expect(asked).toEqual(['This flow has changes that are not saved yet. Leave and lose them?']);
    // the dialog is answered asynchronously: the router puts the address back once "stay" returns
    await page.waitForFunction((hash) => window.location.hash === hash, `#/flows/${flowId}`);
    expect(await page.locator('[data-node-id="wait"] .flow-node-summary').textContent()).toBe('Wait 4 days');

    const second = page.waitForEvent('dialog');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await second;
    expect(asked).toHaveLength(2);
    await page.locator('[data-node-id="wait"]').waitFor(); // still signed in, still on the flow

    // tabs of the same flow keep the document: no question
    await page.locator('.tabs').getByRole('link', { name: 'Journeys' }).click();
    await page.locator('.tab-page.journeys').waitFor();
    await page.locator('.tabs').getByRole('link', { name: 'Canvas' }).click();
    expect(await page.locator('[data-node-id="wait"] .flow-node-summary').textContent()).toBe('Wait 4 days');
    expect(asked).toHaveLength(2);
    await shoot(page, 'session-01-unsaved');

    // saying "leave" leaves, and nothing was stored
    page.removeAllListeners('dialog');
    page.on('dialog', (d) => void d.accept());
    await page.locator('.topbar').getByRole('link', { name: 'Contacts' }).click();
    await page.locator('[data-contacts]').waitFor();
    expect(await waitData()).toEqual({ duration: 'P3D' });
    await page.context().close();
  });

  it('asks before closing the tab with an unsaved change, and not once it is saved', async () => {
    const page = await open('ana@example.com', 600_000);
    await page.click('[data-node-id="wait"]');
    await page.locator('[data-inspector="wait"] input[name=duration-amount]').fill('5');
    await page.locator('[data-save-status=unsaved]').waitFor();
    const asked = page.waitForEvent('dialog');
    await page.close({ runBeforeUnload: true });
    const dialog = await asked;
    expect(dialog.type()).toBe('beforeunload');
    await dialog.dismiss(); // "stay"
    expect(page.isClosed()).toBe(false);
    expect(await page.locator('[data-node-id="wait"] .flow-node-summary').textContent()).toBe('Wait 5 days');

    // saved: closing asks nothing
    await page.click('[data-action=save]');
    await page.locator('[data-save-status=saved]').waitFor();
    let questions = 0;
    page.on('dialog', (d) => {
      questions++;
      void d.accept();
    });
    const closed = page.waitForEvent('close');
    await page.close({ runBeforeUnload: true });
    await closed;
    expect(questions).toBe(0);
    await page.context().close();
  });

  it('autosaves a few seconds after an edit, shows "Saved · hh:mm", and a reload keeps the change', async () => {
    const page = await open('ana@example.com');
    await page.click('[data-node-id="wait"]');
    await page.locator('[data-inspector="wait"] input[name=duration-amount]').fill('6');
    await page.locator('[data-save-status=unsaved]').waitFor();
    await page.locator('[data-save-status=saved]', { hasText: /^Saved · \d\d:\d\d/ }).waitFor();
    expect(await waitData()).toEqual({ duration: 'P6D' });
    await shoot(page, 'session-02-saved');

    // nothing unsaved: leaving asks nothing
    let asked = 0;
    page.on('dialog', (d) => {
      asked++;
      void d.dismiss();
    });
    await page.reload();
    await page.locator('[data-node-id="wait"] .flow-node-summary', { hasText: 'Wait 6 days' }).waitFor();
    await page.locator('.topbar').getByRole('link', { name: 'Contacts' }).click();
    await page.locator('[data-contacts]').waitFor();
    expect(asked).toBe(0);
    await page.context().close();
  });

  it('refuses a stale save with a conflict that names who saved last, and loads their version on request', async () => {
    const ana = await open('ana@example.com');
    const bo = await open('bo@example.com');
    // Bo changes the wait and it saves itself
    await bo.click('[data-node-id="wait"]');
    await bo.locator('[data-inspector="wait"] input[name=duration-amount]').fill('7');
    await bo.locator('[data-save-status=saved]').waitFor();
    expect(await waitData()).toEqual({ duration: 'P7D' });

    // Ana, on the copy she opened before, edits too: her autosave is refused, nothing of Bo's is overwritten
    await ana.click('[data-node-id="wait"]');
    await ana.locator('[data-inspector="wait"] input[name=duration-amount]').fill('9');
    const conflict = ana.locator('[data-conflict]');
    await conflict.waitFor();
    expect(await conflict.textContent()).toMatch(/bo@example\.com saved this flow at \d\d?:\d\d( [AP]M)?, after you opened it/);
    await ana.locator('[data-save-status=conflict]').waitFor();
    expect(await waitData()).toEqual({ duration: 'P7D' });
    await shoot(ana, 'session-03-conflict');

    ana.on('dialog', (d) => void d.accept());
    await ana.click('[data-action=reload-theirs]');
    await ana.locator('[data-node-id="wait"] .flow-node-summary', { hasText: 'Wait 7 days' }).waitFor();
    expect(await ana.locator('[data-conflict]').count()).toBe(0);
    await ana.context().close();
    await bo.context().close();
  });

  it('changes the canvas counts, the Metrics tab, the journeys and the flows list on screen while events are ingested, without a reload', async () => {
    await api.http().post(`/api/flows/${flowId}/activate`).set('Authorization', api.admin).expect(200);
    const page = await open('ana@example.com');
    await page.locator('.flowbar [data-live=live]').waitFor();
    await page.evaluate(() => ((window as unknown as { stillHere: boolean }).stillHere = true));
    const stillHere = () => page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere);
    const counts = page.locator('[data-node-id="welcome"] [data-counts]');
    expect(await page.locator('[data-node-id="welcome"]').textContent()).not.toContain('3 in'); // nobody yet

    /** contacts with push who sign up now; the engine takes them in at the next minute */
    const signUp = async (ids: string[]) => {
      const people = ids.map((externalId) => ({ externalId, consent: { push: true }, attributes: { pushToken: `tok-${externalId}` } }));
      await api.http().post('/api/contacts').set('Authorization', api.admin).send(people).expect(200);
      await api
        .http()
        .post('/api/events')
        .set('Authorization', api.admin)
        .send(ids.map((externalId) => ({ externalId, name: 'signed_up' })))
        .expect(200);
      await api.http().post('/api/clock/advance').set('Authorization', api.admin).send({ by: 'PT1M' }).expect(201);
    };
    await signUp(['s1', 's2', 's3']);
    await counts.filter({ hasText: '3 in' }).waitFor({ timeout: 15_000 });
    await page.locator('[data-node-id="wait"] [data-counts]', { hasText: '3 waiting' }).waitFor({ timeout: 15_000 });
    expect(await stillHere()).toBe(true); // no reload
    await shoot(page, 'session-04-live-counts');

    // the Metrics tab follows the same live poll: the funnel's figure changes, highlighted for a moment
    await page.locator('.tabs').getByRole('link', { name: 'Metrics' }).click();
    const enteredStat = page.locator('[data-stat=entered] .stat-value');
    await enteredStat.filter({ hasText: /^3$/ }).waitFor();
    await signUp(['s4']);
    await enteredStat.filter({ hasText: /^4$/ }).waitFor({ timeout: 15_000 });
    await page.locator('[data-stat=entered] [data-bumped]').waitFor();
    expect(await stillHere()).toBe(true);

    // sixty more: the last journey row, far down the list, opens its timeline beside the list and on screen
    await signUp(Array.from({ length: 60 }, (_, i) => `m${i + 1}`));
    await page.locator('.tabs').getByRole('link', { name: 'Journeys' }).click();
    await page.locator('[data-journey]').nth(63).waitFor({ timeout: 15_000 });
    const row = page.locator('[data-journey]').last();
    await row.scrollIntoViewIfNeeded();
    await row.click();
    const sentence = page.locator('.timeline .tl-sentence').first();
    await sentence.waitFor();
    const rowBox = (await row.boundingBox())!;
    const sentenceBox = (await sentence.boundingBox())!;
    expect(sentenceBox.x).toBeGreaterThan(rowBox.x + rowBox.width - 1);
    expect(sentenceBox.y).toBeGreaterThanOrEqual(0);
    expect(sentenceBox.y + sentenceBox.height).toBeLessThanOrEqual(900);
    await shoot(page, 'session-05-journey-beside');

    // the flows list too
    await page.locator('.topbar').getByRole('link', { name: 'Flows' }).click();
    const entered = page.locator('.flows-table tr', { hasText: 'Welcome push' }).locator('[data-stat=entered]');
    await entered.filter({ hasText: /^64$/ }).waitFor();
    await signUp(['s65']);
    await entered.filter({ hasText: /^65$/ }).waitFor({ timeout: 15_000 });
    await page.locator('[data-live=live]').waitFor();
    expect(await stillHere()).toBe(true);
    await shoot(page, 'session-06-live-list');
    expect(pageErrors).toEqual([]);
  });
});
