/**
 * Lift per layer in the editor (issue 24), in Debian's Chromium against the real app on a virtual clock, with a
 * 10 % holdout and known truths: layer A converts 30 % with a message and 10 % without; layer B (else) 10 % either
 * way. The Metrics screen's Layers table must call A “worth it” and B “not yet clear”, and so must the canvas card.
 * Screenshots at 1440×900 under tests/artifacts/ (git-ignored).
 *
 *   t(event churned) → layer{A: tier = A, else} —A→ pushA → waitA(P3D)      paid(goal order_paid), journey-wide
 *                                               —else→ pushB → waitB(P3D)
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { delay, flow, push } from '@boomerang/engine/core/testing/flow-builder';
import { EngineService } from '../../api/src/engine/engine.service';
import { startApi, type ApiHarness } from '../support/api-app';
import { experimentGraph } from '../support/experiment-fixtures';
import { seedLayeredFlow } from '../support/layer-fixtures';
import { ensureEditorBuilt, launchChromium, listenLocally, signIn } from '../support/editor-browser';
import { repoRoot } from '../support/process';

jest.setTimeout(300_000);

const ARTIFACTS = join(repoRoot, 'tests', 'artifacts');
const EMAIL = 'layers@example.com';
const PASSWORD = 'correct horse battery staple';
const T0 = new Date('2026-11-03T12:00:00.000Z');
const LATER = new Date('2026-11-04T12:00:00.000Z');
const HOLDOUT = 10;

async function shoot(page: Page, name: string): Promise<void> {
  await page.waitForTimeout(200);
  await page.screenshot({ path: join(ARTIFACTS, `${name}-1440x900.png`), fullPage: false });
}

describe('lift per layer in the editor', () => {
  let api: ApiHarness;
  let browser: Browser;
  let page: Page;
  let base: string;
  let flowId: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    ensureEditorBuilt();
    api = await startApi('editor_insights_layers', { CLOCK: 'virtual' });
    await api.sql(`INSERT INTO engine_clock (id, now) VALUES (1, $1)`, [T0.toISOString()]);
    const auth = { Authorization: api.admin };
    await api.http().put('/api/settings').set(auth).send({ quietHours: null, frequencyCaps: [] }).expect(200);
    await api.http().post('/api/users').set(auth).send({ email: EMAIL, password: PASSWORD, role: 'admin' }).expect(201);
    ({ flowId } = await seedLayeredFlow(api, 2000, HOLDOUT));

    base = await listenLocally(api);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await signIn(page, base, EMAIL, PASSWORD);
  });

  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  it('the Layers table calls A worth it and B not yet clear, under the holdout it depends on', async () => {
    await page.goto(`${base}/#/flows/${flowId}/metrics`);
    const table = page.locator('[data-layers]');
    await table.locator('[data-layer="layer/A"]').waitFor();
    expect(await table.locator('[data-holdout-line]').textContent()).toBe(
      '10 % of entering contacts are held out; every lift figure depends on it.',
    );
    const m = (await api.http().get(`/api/flows/${flowId}/metrics`).set('Authorization', api.admin).expect(200)).body;
    const a = table.locator('[data-layer="layer/A"]');
    const b = table.locator('[data-layer="layer/else"]');
    expect(await a.locator('[data-verdict-phrase]').textContent()).toBe('worth it');
    expect(await b.locator('[data-verdict-phrase]').textContent()).toBe('not yet clear');
    expect(await a.locator('[data-layer-sentence]').textContent()).toBe(m.layers[0].sentence);
    const [la] = m.layers;
    expect(la.handle).toBe('A');
    expect(await a.textContent()).toContain(`(${la.treatment.converted} of ${la.treatment.journeys})`);
    expect(la.treatment.converted / la.treatment.journeys).toBeCloseTo(0.3, 2);
    // sorted by extra conversions per 100 messages: A first
    expect(await table.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-layer')))).toEqual([
      'layer/A',
      'layer/else',
    ]);
    await a.scrollIntoViewIfNeeded();
    await shoot(page, 'insights-layers-01-metrics');
    expect(pageErrors).toEqual([]);
  });

  it('the canvas card shows each exit’s verdict next to its handle', async () => {
    await page.goto(`${base}/#/flows/${flowId}`);
    const card = page.locator('[data-node-id="layer"]');
    await card.locator('[data-layer-badge="A"]').waitFor();
    expect(await card.locator('[data-layer-badge="A"]').textContent()).toBe('worth it');
    expect(await card.locator('[data-layer-badge="else"]').textContent()).toBe('not yet clear');
    await shoot(page, 'insights-layers-02-canvas');
    expect(pageErrors).toEqual([]);
  });

  it('the split form writes an experiment and the delay form the contact’s usual hour, in plain words', async () => {
    const auth = { Authorization: api.admin };
    const draft = flow()
      .trigger('t', { kind: 'event', event: 'signed_up' })
      .then('ab', {
        type: 'condition',
        data: {
          split: [
            { id: 'a', percent: 50 },
            { id: 'b', percent: 50 },
          ],
        },
      })
      .on('a')
      .then('wait', delay('P1D'))
      .then('pushA', push('Offer A'))
      .from('ab', 'b')
      .then('pushB', push('Offer B'))
      .build();
    const created = await api.http().post('/api/flows').set(auth).send({ name: 'Forms', graph: draft }).expect(201);
    const id = created.body.id as string;
    await page.goto(`${base}/#/flows/${id}`);

    await page.click('[data-node-id="ab"]');
    const split = page.locator('[data-inspector="ab"]');
    await split.locator('input[name=experimentOn]').check();
    await split.locator('input[name=experimentWindow-amount]').fill('7');
    await split.locator('select[name=experimentMetric]').selectOption('clicked');
    await split.locator('input[name=experimentMinSample]').fill('200');
    await split.locator('input[name="split-0-percent"]').fill('60'); // editing an arm keeps the experiment
    await split.locator('input[name="split-1-percent"]').fill('40');
    await split.locator('[data-experiment-panel="not-live"]').waitFor();
    await split.locator('[data-experiment-section]').scrollIntoViewIfNeeded();
    await shoot(page, 'insights-layers-03-experiment-form');

    await page.click('[data-node-id="wait"]');
    const wait = page.locator('[data-inspector="wait"]');
    await wait.locator('select[name=delayMode]').selectOption('bestHour');
    await wait.locator('input[name=bestHourFallback]').fill('08:30');
    await page.locator('[data-node-id="wait"] .flow-node-summary', { hasText: 'usual active hour' }).waitFor();
    await shoot(page, 'insights-layers-04-best-hour-form');

    await page.click('[data-action=save]');
    await page.locator('[data-banner="ok"]', { hasText: 'Saved' }).waitFor();
    const stored = (await api.http().get(`/api/flows/${id}`).set(auth).expect(200)).body;
    const byId = (nid: string) => stored.graph.nodes.find((n: { id: string }) => n.id === nid);
    expect(byId('ab').data).toEqual({
      split: [
        { id: 'a', percent: 60 },
        { id: 'b', percent: 40 },
      ],
      experiment: { window: 'P7D', metric: 'clicked', minSample: 200 },
    });
    expect(byId('wait').data).toEqual({ bestHour: { fallback: '08:30' } });
    expect(pageErrors).toEqual([]);
  });

  it('a live experiment shows each arm’s numbers and the test’s verdict, and an arm picked by hand becomes the winner', async () => {
    const auth = { Authorization: api.admin };
    const graph = experimentGraph('browsed', 10);
    const created = await api
      .http()
      .post('/api/flows')
      .set(auth)
      .send({ name: 'Offer test', graph, settings: { holdoutPercent: 0 } })
      .expect(201);
    const id = created.body.id as string;
    await api.http().post(`/api/flows/${id}/activate`).set(auth).expect(200);
    const people = Array.from({ length: 120 }, (_, i) => ({ externalId: `p${i}` }));
    await api
      .http()
      .post('/api/events')
      .set(auth)
      .send(people.map((p) => ({ externalId: p.externalId, name: 'browsed' })))
      .expect(200);
    const engine = api.app.get(EngineService);
    await engine.tick(LATER);

    await page.goto(`${base}/#/flows/${id}`);
    await page.click('[data-node-id="ab"]');
    const panel = page.locator('[data-inspector="ab"] [data-experiment-panel="running"]');
    await panel.waitFor();
    const view = (await api.http().get(`/api/flows/${id}/experiments`).set(auth).expect(200)).body.items[0];
    const journeys = Object.fromEntries(view.arms.map((a: { id: string; journeys: number }) => [a.id, a.journeys]));
    expect(journeys.a + journeys.b).toBe(120);
    expect(await panel.locator('[data-experiment-arm="a"] [data-arm-journeys]').textContent()).toBe(String(journeys.a));
    expect(await panel.locator('[data-experiment-verdict]').textContent()).toBe(view.verdict.reason);
    expect(await panel.locator('[data-experiment-closes]').textContent()).toMatch(/^The window closes /);
    await panel.scrollIntoViewIfNeeded();
    await shoot(page, 'insights-layers-05-experiment-live');

    page.once('dialog', (d) => void d.accept());
    await panel.locator('[data-pick-arm="a"]').click();
    const decided = page.locator('[data-inspector="ab"] [data-experiment-panel="decided"]');
    await decided.waitFor();
    expect(await decided.locator('[data-experiment-decided]').textContent()).toMatch(
      /^Winner: “a”, decided .* by layers@example\.com\. Why: picked by hand/,
    );
    const after = (await api.http().get(`/api/flows/${id}/experiments`).set(auth).expect(200)).body.items[0];
    expect(after.winner).toMatchObject({ arm: 'a', decidedBy: 'user:layers@example.com' });
    await shoot(page, 'insights-layers-06-experiment-decided');
    expect(pageErrors).toEqual([]);
  });
});
