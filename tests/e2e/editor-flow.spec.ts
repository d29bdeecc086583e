/**
 * The browser editor end to end, in Debian's Chromium against the real app: sign in, create the weekly check-in
 * flow from its template, break a delay on the canvas and see the error on that node, fix it, save, activate —
 * then the API shows the flow active with the edited graph.
 */
import type { Browser, Page } from 'playwright-core';
import { startApi, type ApiHarness } from '../support/api-app';
import { ensureEditorBuilt, launchChromium, listenLocally } from '../support/editor-browser';

jest.setTimeout(180_000);

const START = new Date('2027-03-01T10:00:00Z');
const EMAIL = 'marketer@example.com';
const PASSWORD = 'correct horse battery staple';

describe('editor in the browser', () => {
  let api: ApiHarness;
  let browser: Browser;
  let page: Page;
  let base: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    ensureEditorBuilt(); // before the app starts: the app serves editor/dist only if it exists
    // a virtual clock, so the test can play the activated flow forward and read a real journey log in the UI
    api = await startApi('editor_e2e', { CLOCK: 'virtual' });
    await api.sql(`INSERT INTO engine_clock (id, now) VALUES (1, $1)`, [START]);
    base = await listenLocally(api);
    await api.http().post('/api/users').set('Authorization', api.admin).send({ email: EMAIL, password: PASSWORD, role: 'admin' }).expect(201);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });

  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  it('serves the editor at / with an SPA fallback, leaving /api and /t alone', async () => {
    const home = await fetch(`${base}/`);
    expect(home.status).toBe(200);
    expect(await home.text()).toContain('<div id="root">');
    const deep = await fetch(`${base}/flows/some/deep/link`);
    expect(deep.headers.get('content-type')).toContain('text/html');
    const health = await fetch(`${base}/api/health`);
    expect(await health.json()).toEqual({ status: 'ok' });
    expect((await fetch(`${base}/api/no-such-route`)).status).toBe(404);
    const tracking = await fetch(`${base}/t/o/00000000-0000-0000-0000-000000000000`, { redirect: 'manual' });
    expect(tracking.headers.get('content-type') ?? '').not.toContain('text/html');
  });

  it('signs in, builds the weekly check-in flow from its template, edits, validates, saves and activates it', async () => {
    await page.goto(`${base}/`);
    await page.fill('input[name=email]', EMAIL);
    await page.fill('input[name=password]', PASSWORD);
    await page.click('button[type=submit]');
    await page.getByRole('heading', { name: 'Flows' }).waitFor();
    await page.screenshot({ path: '/tmp/editor-flows.png' });

    // create from the weekly check-in template
    await page.getByRole('button', { name: 'New flow' }).click();
    await page.click('[data-template="weekly-checkin"]');
    await page.fill('input[name=flowName]', 'Weekly check-in (e2e)');
    await page.getByRole('button', { name: 'Create flow' }).click();

    // the template's nodes on the canvas, with their named handles
    await page.locator('.react-flow__node').first().waitFor();
    for (const id of ['trigger', 'winback', 'returned', 'week', 'active', 'goal', 'capped', 'checkin', 'second']) {
      await page.locator(`[data-node-id="${id}"]`).waitFor();
    }
    expect(await page.locator('.react-flow__node').count()).toBe(9);
    expect(await page.locator('.react-flow__edge').count()).toBe(9);
    await page.locator('[data-node-id="returned"] .handle-event').waitFor();
    await page.locator('[data-node-id="returned"] .handle-timeout').waitFor();
    await page.locator('[data-node-id="active"] .handle-yes').waitFor();
    await page.locator('[data-node-id="active"] .handle-no').waitFor();
    await page.locator('[data-problems] .ok-dot').waitFor();
    const flowId = decodeURIComponent(new URL(page.url()).hash.split('/')[2]);
    await page.screenshot({ path: '/tmp/editor-canvas.png' });

    // break the weekly delay: the error names that node, on the canvas and in the problem list
    await page.locator('[data-node-id="week"]').click();
    await page.locator('[data-inspector="week"]').waitFor();
    await page.fill('[data-inspector="week"] input[name=duration]', 'seven days');
    await page.locator('.flow-node.has-error[data-node-id="week"]').waitFor();
    const problem = page.locator('[data-problems] li.issue.error[data-issue-node="week"]');
    await problem.waitFor();
    expect(await problem.textContent()).toMatch(/week/);
    await page.screenshot({ path: '/tmp/editor-invalid.png' });

    // the server agrees and names the same node
    await page.getByRole('button', { name: 'Validate' }).click();
    await page.locator('[data-banner="error"]').waitFor();
    await page.locator('[data-problems] .source', { hasText: 'server' }).waitFor();
    await problem.waitFor();

    // clicking the message selects the node; fixing the value clears the error
    await page.click('[data-node-id="goal"]');
    await page.locator('[data-inspector="goal"]').waitFor();
    await problem.click();
    await page.locator('[data-inspector="week"]').waitFor();
    await page.fill('[data-inspector="week"] input[name=duration]', 'P14D');
    await page.locator('[data-problems] .ok-dot').waitFor();
    expect(await page.locator('.flow-node.has-error').count()).toBe(0);
    expect(await page.locator('[data-node-id="week"] .flow-node-summary').textContent()).toBe('Wait P14D');

    // save, then activate
    await page.click('[data-action=save]');
    await page.locator('[data-banner="ok"]', { hasText: 'Saved' }).waitFor();
    await page.click('[data-action=activate]');
    await page.locator('[data-banner="ok"]', { hasText: 'Active' }).waitFor();
    await page.locator('.flowbar .badge.status-active').waitFor();
    await page.locator('[data-action=pause]').waitFor();
    await page.screenshot({ path: '/tmp/editor-active.png' });

    const stored = await api.http().get(`/api/flows/${flowId}`).set('Authorization', api.admin).expect(200);
    expect(stored.body.status).toBe('active');
    expect(stored.body.name).toBe('Weekly check-in (e2e)');
    const week = stored.body.graph.nodes.find((n: { id: string }) => n.id === 'week');
    expect(week.data).toEqual({ duration: 'P14D' });
    expect(stored.body.graph.edges).toHaveLength(9);

    // a lapsed contact enters once the engine runs; the journeys tab explains, step by step, what it did
    await api
      .http()
      .post('/api/contacts')
      .set('Authorization', api.admin)
      .send([{ externalId: 'u-lapsed', timezone: 'UTC', consent: { push: true, email: true }, attributes: { firstName: 'Li', email: 'li@example.com', pushToken: 'tok-li' } }])
      .expect(200);
    const lastSeen = new Date(START.getTime() - 10 * 86_400_000).toISOString();
    await api.http().post('/api/events').set('Authorization', api.admin).send([{ externalId: 'u-lapsed', name: 'app_open', occurredAt: lastSeen }]).expect(200);
    await api.http().post('/api/clock/advance').set('Authorization', api.admin).send({ by: 'PT1H' }).expect(201);

    await page.getByRole('link', { name: 'Journeys' }).click();
    await page.getByRole('heading', { name: 'Contact timeline' }).waitFor();
    await page.locator('tr.clickable', { hasText: 'u-lapsed' }).click();
    const timeline = page.locator('.timeline').first();
    await timeline.locator('.tl-kind.kind-entered').waitFor();
    await timeline.locator('.tl-node', { hasText: 'Inactive for 7 days' }).first().waitFor();
    expect(await timeline.locator('.tl').count()).toBeGreaterThan(2);
    await page.screenshot({ path: '/tmp/editor-journeys.png', fullPage: true });
    await page.getByRole('link', { name: 'Metrics' }).click();
    await page.getByRole('heading', { name: 'Recall funnel' }).waitFor();
    await page.locator('[data-stat="entered"]').waitFor();
    await page.screenshot({ path: '/tmp/editor-metrics.png' });

    expect(pageErrors).toEqual([]);
  });
});
