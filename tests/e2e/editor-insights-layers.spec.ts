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
import { isHoldout } from '@boomerang/engine';
import { branches, delay, flow, goal, push } from '@boomerang/engine/core/testing/flow-builder';
import { EngineService } from '../../api/src/engine/engine.service';
import { startApi, type ApiHarness } from '../support/api-app';
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
    const graph = flow()
      .trigger('t', { kind: 'event', event: 'churned' })
      .then('layer', branches({ id: 'A', rule: { attribute: 'tier', op: 'eq', value: 'A' } }))
      .on('A')
      .then('pushA', push('Come back, A'))
      .then('waitA', delay('P3D'))
      .from('layer', 'else')
      .then('pushB', push('Come back, B'))
      .then('waitB', delay('P3D'))
      .node('paid', goal({ event: 'order_paid' }))
      .build();
    const created = await api
      .http()
      .post('/api/flows')
      .set(auth)
      .send({ name: 'Layers', graph, settings: { holdoutPercent: HOLDOUT } })
      .expect(201);
    flowId = created.body.id;
    await api.http().post(`/api/flows/${flowId}/activate`).set(auth).expect(200);

    const people = Array.from({ length: 2000 }, (_, i) => ({
      externalId: `p${i}`,
      timezone: 'UTC',
      consent: { push: true },
      attributes: { tier: i % 2 ? 'B' : 'A', pushToken: `tok${i}` },
    }));
    await api.http().post('/api/contacts').set(auth).send(people).expect(200);
    await api
      .http()
      .post('/api/events')
      .set(auth)
      .send(people.map((p) => ({ externalId: p.externalId, name: 'churned' })))
      .expect(200);
    const engine = api.app.get(EngineService);
    await engine.tick(T0);

    // the truths: exactly these shares of each group order the next day
    const ids = await api.sql<{ id: string; external_id: string; tier: string }>(
      `SELECT id::text, external_id, attributes->>'tier' AS tier FROM contacts ORDER BY id`,
    );
    const group = (tier: string, held: boolean) => ids.filter((c) => c.tier === tier && isHoldout(flowId, c.id, HOLDOUT) === held);
    const share = (list: typeof ids, p: number) => list.slice(0, Math.round(list.length * p));
    const buyers = [
      ...share(group('A', false), 0.3),
      ...share(group('A', true), 0.1),
      ...share(group('B', false), 0.1),
      ...share(group('B', true), 0.1),
    ];
    await api.sql(`UPDATE engine_clock SET now = $1`, [LATER.toISOString()]);
    await api
      .http()
      .post('/api/events')
      .set(auth)
      .send(buyers.map((c) => ({ externalId: c.external_id, name: 'order_paid' })))
      .expect(200);
    await engine.tick(LATER);

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
});
