/**
 * The editor's metrics, simulator, CSV import and the escalation / maxAge / locale forms, in Debian's Chromium
 * against the real app on a virtual clock. A 200-contact A/B flow runs four virtual days first, so the Metrics tab
 * has journeys, arms and a lift sentence to draw. Screenshots at 1440×900 under tests/artifacts/ (git-ignored).
 *
 *   trigger(segment: pushToken exists) → ab(split 50/50) —a→ pushA ─┐
 *                                                         —b→ pushB ─┴→ wait(P3D)        goal(order_paid)
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { Engine, VirtualClock } from '@boomerang/engine/runtime';
import { poolOf } from '../../api/src/engine/engine.module';
import { startApi, type ApiHarness } from '../support/api-app';
import { abSplitGraph } from '../support/api-fixtures';
import { ensureEditorBuilt, launchChromium, listenLocally, signIn } from '../support/editor-browser';
import { repoRoot } from '../support/process';

jest.setTimeout(300_000);

const ARTIFACTS = join(repoRoot, 'tests', 'artifacts');
const EMAIL = 'analyst@example.com';
const PASSWORD = 'correct horse battery staple';

const graph = abSplitGraph();

async function shoot(page: Page, name: string): Promise<void> {
  await page.waitForTimeout(200);
  await page.screenshot({ path: join(ARTIFACTS, `${name}-1440x900.png`), fullPage: false });
}

describe('editor insights in the browser', () => {
  let api: ApiHarness;
  let browser: Browser;
  let page: Page;
  let base: string;
  let flowId: string;
  let dataDir: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    ensureEditorBuilt();
    dataDir = mkdtempSync(join(tmpdir(), 'editor-insights-'));
    api = await startApi('editor_insights', { CLOCK: 'virtual', DATA_DIR: dataDir });
    await api.sql(`INSERT INTO engine_clock (id, now) VALUES (1, '2026-11-02T12:00:00Z')`);
    const auth = { Authorization: api.admin };
    await api.http().put('/api/settings').set(auth).send({ quietHours: null, frequencyCaps: [] }).expect(200);
    await api.http().post('/api/users').set(auth).send({ email: EMAIL, password: PASSWORD, role: 'admin' }).expect(201);
    const people = Array.from({ length: 200 }, (_, i) => ({
      externalId: `p${i}`,
      consent: { push: true },
      attributes: { pushToken: `tok${i}`, firstName: `P${i}` },
    }));
    await api.http().post('/api/contacts').set(auth).send(people).expect(200);
    const flow = await api
      .http()
      .post('/api/flows')
      .set(auth)
      .send({ name: 'A/B push', graph, settings: { holdoutPercent: 10 } })
      .expect(201);
    flowId = flow.body.id;
    await api.http().post(`/api/flows/${flowId}/activate`).set(auth).expect(200);
    const pool = poolOf(api.db.dataSource);
    const clock = new VirtualClock(pool);
    const engine = new Engine({ db: pool, clock });
    await engine.advanceClock(clock, 'PT1H');
    await api
      .http()
      .post('/api/events')
      .set(auth)
      .send(people.filter((_, i) => i % 3 === 0).map((p) => ({ externalId: p.externalId, name: 'order_paid' })))
      .expect(200);
    await api
      .http()
      .post('/api/events')
      .set(auth)
      .send(people.filter((_, i) => i % 4 === 0).map((p) => ({ externalId: p.externalId, name: 'app_open' })))
      .expect(200);
    await engine.advanceClock(clock, 'P4D');

    base = await listenLocally(api);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 }, acceptDownloads: true });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await signIn(page, base, EMAIL, PASSWORD);
  });

  afterAll(async () => {
    await browser?.close();
    await api?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('draws the metrics charts with the lift sentence, the split arms and the CSV exports', async () => {
    await page.goto(`${base}/#/flows/${flowId}/metrics`);
    await page.locator('[data-chart="funnel"] svg.recharts-surface').first().waitFor();
    for (const chart of ['funnel', 'lift', 'retention', 'reactivation', 'arms']) {
      expect(await page.locator(`[data-chart="${chart}"] svg.recharts-surface`).count()).toBeGreaterThan(0);
    }
    const m = (await api.http().get(`/api/flows/${flowId}/metrics`).set('Authorization', api.admin).expect(200)).body;
    expect(m.entered).toBe(200);
    expect(await page.locator('[data-lift-summary]').textContent()).toBe(m.liftAnalysis.summary);
    // the funnel counts treatment journeys (the holdout is in the lift): entered = 200 less the holdout
    const treated = m.funnel.find((f: { stage: string }) => f.stage === 'entered').count;
    expect(treated).toBe(200 - m.holdout.size);
    expect(await page.locator('[data-stat="entered"] .stat-value').textContent()).toBe(String(treated));
    expect(await page.locator('[data-holdout-note]').textContent()).toContain(`${m.holdout.size} more entered in the holdout`);
    const counts = (await page.locator('[data-chart="funnel"] .stat-value').allTextContents()).map((t) => Number(t.replace(/\D/g, '')));
    expect(counts).toEqual([...counts].sort((a, b) => b - a)); // never rising stage to stage
    expect(await page.locator('[data-arm="a"]').count()).toBe(1);
    expect(await page.locator('[data-versions] tbody tr').count()).toBe(1);
    await shoot(page, 'insights-01-metrics');
    await page.locator('[data-chart="lift-interval"]').scrollIntoViewIfNeeded();
    await shoot(page, 'insights-02-metrics-lift');
    await page.mouse.wheel(0, 900);
    await shoot(page, 'insights-02-metrics-lower');

    const [file] = await Promise.all([page.waitForEvent('download'), page.click('[data-export="journeys"]')]);
    expect(file.suggestedFilename()).toBe('journeys.csv');
    const path = await file.path();
    expect(path).toBeTruthy();
    expect(pageErrors).toEqual([]);
  });

  it('simulates 30 days: a progress bar while it runs, then the report, also on the canvas cards', async () => {
    await page.goto(`${base}/#/flows/${flowId}`);
    await page.locator('[data-node-id="pushA"]').waitFor();
    await page.click('[data-action="simulate"]');
    await page.locator('[data-simulation]').waitFor();
    if ((await page.locator('[data-sim-progress]').count()) > 0) await shoot(page, 'insights-03a-simulation-running'); // when still running
    await page.locator('[data-sim-report]').waitFor({ timeout: 240_000 });
    expect(await page.locator('[data-chart="sim-days"] svg.recharts-surface').count()).toBeGreaterThan(0);
    const entries = Number((await page.locator('[data-stat="sim-entries"] .stat-value').textContent())?.replace(/\D/g, ''));
    expect(entries).toBeGreaterThan(0);
    expect(await page.locator('[data-sim-nodes] tbody tr').count()).toBeGreaterThan(0);
    await page.locator('[data-node-id="pushA"] [data-sim-counts]').waitFor();
    await shoot(page, 'insights-03-simulation');
    await page.getByRole('button', { name: 'Close simulation' }).click();
    expect(await page.locator('[data-sim-counts]').count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });

  it('imports a contacts CSV with a progress bar and a link to the rejected rows', async () => {
    await page.goto(`${base}/#/contacts`);
    await page.click('[data-action="import"]');
    await page.selectOption('select[name=importKind]', 'contacts');
    const csv = [
      'externalId,timezone,consent.push,plan',
      'imp-1,Europe/Paris,yes,gold',
      'imp-2,Not/AZone,no,silver',
      ',UTC,yes,none',
      'imp-3,UTC,1,gold',
    ].join('\n');
    await page.setInputFiles('input[name=importFile]', { name: 'contacts.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.locator('[data-import="done"]').waitFor();
    expect(await page.locator('[role=progressbar]').getAttribute('aria-valuenow')).toBe('100');
    expect(await page.locator('[data-import-counts]').textContent()).toContain('4 rows read, 2 imported, 2 rejected');
    await page.locator('[data-contacts] tbody tr').first().waitFor(); // the list reloads after the import
    await shoot(page, 'insights-04-import');
    const [file] = await Promise.all([page.waitForEvent('download'), page.click('[data-rejected-report]')]);
    const report = readFileSync((await file.path())!, 'utf8');
    expect(report).toMatch(/^line,reason/);
    expect(report).toContain('\n3,');
    expect(report).toContain('\n4,');
    const imported = await api.sql<{ external_id: string }>(`SELECT external_id FROM contacts WHERE external_id LIKE 'imp-%' ORDER BY 1`);
    expect(imported.map((r) => r.external_id)).toEqual(['imp-1', 'imp-3']);
    expect(pageErrors).toEqual([]);
  });

  it('writes maxAge, escalation and a zh-CN copy variant from the forms, previewed by the server', async () => {
    const auth = { Authorization: api.admin };
    await api
      .http()
      .post('/api/contacts')
      .set(auth)
      .send([
        {
          externalId: 'zh-1',
          consent: { sms: true, push: true },
          attributes: { firstName: '丽', locale: 'zh-CN', phone: '+8613800000000', pushToken: 'tok-zh' },
        },
      ])
      .expect(200);
    const draft = {
      nodes: [
        { id: 'signup', type: 'trigger', position: { x: 0, y: 0 }, data: { kind: 'event', event: 'signed_up' } },
        {
          id: 'hello',
          type: 'channel',
          position: { x: 0, y: 200 },
          data: { channel: 'sms', costCents: 5, template: { body: 'Hi {{firstName}}, welcome back' } },
        },
      ],
      edges: [{ id: 'e1', source: 'signup', target: 'hello' }],
    };
    const created = await api.http().post('/api/flows').set(auth).send({ name: 'Forms', graph: draft }).expect(201);
    const id = created.body.id as string;
    await page.goto(`${base}/#/flows/${id}`);

    await page.click('[data-node-id="signup"]');
    const trigger = page.locator('[data-inspector="signup"]');
    await trigger.locator('input[name=maxAgeOn]').check();
    await trigger.locator('input[name=maxAge-amount]').fill('6');
    await trigger.locator('select[name=maxAge-unit]').selectOption('hours');
    await trigger.getByText('more than 6 hours before it reached us').waitFor();

    await page.click('[data-node-id="hello"]');
    const channel = page.locator('[data-inspector="hello"]');
    await channel.locator('input[name=escalateOn]').check();
    await channel.locator('select[name=escalateUnless]').selectOption('opened');
    await channel.locator('input[name=escalateAfter-amount]').fill('2');
    await channel.locator('select[name=escalateAfter-unit]').selectOption('days');
    expect(await channel.locator('input[name=escalate-email]').isChecked()).toBe(true); // the first other channel, kept: at least one
    await channel.locator('input[name=escalate-push]').check();
    await channel.locator('input[name=template-subject]').fill('We miss you, {{firstName}}'); // the email escalation's own field
    await channel.locator('input[name=template-title]').fill('We miss you');
    await page.locator('[data-node-id="hello"] .flow-node-error').waitFor({ state: 'detached' });
    await channel.locator('select[name=addLocale]').selectOption('zh-CN');
    await channel.locator('[data-copy=sms] textarea[name=template-body]').fill('{{firstName}}，欢迎回来');
    await channel.locator('input[name=preview-contact]').fill('zh-1');
    await channel.locator('[data-preview-source=server] [data-rendered=sms] .mock-sms-bubble', { hasText: '丽，欢迎回来' }).waitFor();
    expect(await channel.locator('[data-preview-source=server] [data-preview-cost]').getAttribute('data-preview-cost')).toBe('5');
    await channel.locator('[data-locale-tab=default]').click();
    await channel.locator('[data-preview-source=server] .mock-sms-bubble', { hasText: '丽，欢迎回来' }).waitFor(); // the contact's locale picks zh-CN
    await channel.locator('input[name=preview-contact]').fill('p1');
    await channel.locator('[data-preview-source=server] .mock-sms-bubble', { hasText: 'Hi P1, welcome back' }).waitFor();
    await channel.locator('[data-escalate]').scrollIntoViewIfNeeded();
    await shoot(page, 'insights-05-channel-forms');

    await page.locator('[data-save-status=saved]').waitFor(); // autosaved
    const stored = (await api.http().get(`/api/flows/${id}`).set(auth).expect(200)).body;
    const byId = (nid: string) => stored.graph.nodes.find((n: { id: string }) => n.id === nid);
    expect(byId('signup').data).toEqual({ kind: 'event', event: 'signed_up', maxAge: 'PT6H' });
    expect(byId('hello').data).toEqual({
      channel: 'sms',
      costCents: 5,
      template: { body: 'Hi {{firstName}}, welcome back', subject: 'We miss you, {{firstName}}', title: 'We miss you' },
      // a new language starts as a copy of the default copy
      locales: { 'zh-CN': { body: '{{firstName}}，欢迎回来', subject: 'We miss you, {{firstName}}', title: 'We miss you' } },
      escalate: { after: 'P2D', unless: 'opened', to: ['email', 'push'] },
    });
    expect(pageErrors).toEqual([]);
  });
});
