/**
 * Real flows read at a glance, in Debian's Chromium: the demo merchant flow (16 steps) opens fitted with a margin and
 * its cards switch to the compact form, so no text on the canvas is under 11 px on screen at 1440×900 or 1280×720;
 * no step sits under the minimap, on open or after Tidy up; a 3-step flow never fits above 100 %.
 * Screenshots under tests/artifacts/ (git-ignored).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { FlowGraphDocument } from '@boomerang/engine';
import { demoMerchantGraph } from '@boomerang/engine/core/templates';
import { startApi, type ApiHarness } from '../support/api-app';
import { ensureEditorBuilt, launchChromium, listenLocally, signIn } from '../support/editor-browser';
import { repoRoot } from '../support/process';

jest.setTimeout(300_000);

const ARTIFACTS = join(repoRoot, 'tests', 'artifacts');
const EMAIL = 'reader@example.com';
const PASSWORD = 'correct horse battery staple';

/** The canvas zoom and the smallest on-screen font size of any visible text of the steps and their connections. */
async function smallestText(page: Page): Promise<{ zoom: number; px: number; text: string; count: number }> {
  return page.evaluate(() => {
    const viewport = document.querySelector('.react-flow__viewport') as HTMLElement;
    const zoom = new DOMMatrixReadOnly(getComputedStyle(viewport).transform).a;
    let px = Infinity;
    let text = '';
    let count = 0;
    // the step cards and the connection labels ("yes", "heavy", …)
    const texts: Node[] = [];
    for (const root of Array.from(document.querySelectorAll('.react-flow__nodes, .react-flow__edgelabel-renderer'))) {
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) texts.push(n);
    }
    for (const n of texts) {
      const el = n.parentElement!;
      if (!n.textContent?.trim() || el.getClientRects().length === 0) continue;
      const style = getComputedStyle(el);
      if (style.visibility === 'hidden' || style.display === 'none') continue;
      count++;
      const size = parseFloat(style.fontSize) * zoom;
      if (size < px) {
        px = size;
        text = n.textContent.trim();
      }
    }
    return { zoom, px, text, count };
  });
}

/** Steps whose card overlaps the minimap on screen. */
async function underMinimap(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const map = document.querySelector('.react-flow__minimap')?.getBoundingClientRect();
    if (!map) return [];
    return Array.from(document.querySelectorAll('.react-flow__node'))
      .filter((el) => {
        const r = el.getBoundingClientRect();
        return r.left < map.right && r.right > map.left && r.top < map.bottom && r.bottom > map.top;
      })
      .map((el) => el.getAttribute('data-id') ?? '?');
  });
}

describe('flows read at a glance', () => {
  let api: ApiHarness;
  let browser: Browser;
  let page: Page;
  let base: string;
  const pageErrors: string[] = [];

  const create = async (name: string, graph: FlowGraphDocument) =>
    (await api.http().post('/api/flows').set('Authorization', api.admin).send({ name, graph }).expect(201)).body.id as string;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    ensureEditorBuilt();
    api = await startApi('editor_readable', { CLOCK: 'virtual' });
    base = await listenLocally(api);
    await api
      .http()
      .post('/api/users')
      .set('Authorization', api.admin)
      .send({ email: EMAIL, password: PASSWORD, role: 'admin' })
      .expect(201);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await signIn(page, base, EMAIL, PASSWORD);
  });

  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  it('opens the 16-step merchant flow fitted, compact, with no text under 11 px and nothing under the minimap', async () => {
    expect(demoMerchantGraph.nodes.length).toBeGreaterThanOrEqual(16);
    const id = await create('Merchants, no transaction for 7 days', demoMerchantGraph);
    for (const [width, height] of [
      [1440, 900],
      [1280, 720],
    ]) {
      await page.setViewportSize({ width, height });
      await page.goto(`${base}/#/flows/${id}`);
      await page.reload(); // a fresh open at this size: the fit happens once, on open
      await page.locator('[data-node-id="trigger"]').waitFor();
      await page.locator('.react-flow__node [data-compact]').first().waitFor();
      await page.waitForTimeout(300); // the fit runs once the cards are measured
      // every step is on screen, inside the canvas
      const canvas = (await page.locator('.canvas').boundingBox())!;
      for (const n of demoMerchantGraph.nodes) {
        const box = (await page.locator(`.react-flow__node[data-id="${n.id}"]`).boundingBox())!;
        expect(box.x).toBeGreaterThanOrEqual(canvas.x);
        expect(box.y).toBeGreaterThanOrEqual(canvas.y);
        expect(box.x + box.width).toBeLessThanOrEqual(canvas.x + canvas.width);
        expect(box.y + box.height).toBeLessThanOrEqual(canvas.y + canvas.height);
      }
      const text = await smallestText(page);
      expect(text.count).toBeGreaterThanOrEqual(demoMerchantGraph.nodes.length); // at least every step's name
      expect(text.zoom).toBeLessThan(1);
      expect(text.px).toBeGreaterThanOrEqual(11);
      expect(await underMinimap(page)).toEqual([]);
      // the demo flow ends its open exits on purpose: no warning
      expect(await page.locator('[data-problems] li.issue.warning').count()).toBe(0);
      await page.screenshot({ path: join(ARTIFACTS, `readable-01-merchant-fit-${width}x${height}.png`) });
    }

    // Tidy up keeps every step clear of the minimap too
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.click('[data-action=layout]');
    await page.waitForTimeout(400);
    expect(await underMinimap(page)).toEqual([]);
    expect((await smallestText(page)).px).toBeGreaterThanOrEqual(11);

    // zoomed in past the threshold, the full cards come back (summaries, exits)
    for (let i = 0; i < 12 && (await page.locator('.react-flow__node [data-compact]').count()) > 0; i++) {
      await page.click('.react-flow__controls-zoomin');
      await page.waitForTimeout(150);
    }
    await page.locator('.react-flow__node .flow-node-summary').first().waitFor();
    expect((await smallestText(page)).px).toBeGreaterThanOrEqual(11);
    await page.locator('[data-save-status=saved]').waitFor(); // the tidied layout saved itself: leaving asks nothing
  });

  it('fits a 3-step flow at 100 % at most, with room around it', async () => {
    const id = await create('Three steps', {
      nodes: [
        { id: 'trigger', type: 'trigger', position: { x: 0, y: 0 }, data: { kind: 'inactive', days: 7 } },
        { id: 'push', type: 'channel', position: { x: 0, y: 200 }, data: { channel: 'push', template: { title: 'Hi', body: 'Back?' } } },
        { id: 'paid', type: 'goal', position: { x: 0, y: 400 }, data: { event: 'order_paid' } },
      ],
      // the goal watches the whole journey (no connection into it); the message's exit is left open
      edges: [{ id: 'e1', source: 'trigger', target: 'push' }],
    });
    await page.goto(`${base}/#/flows/${id}`);
    await page.locator('[data-node-id="paid"]').waitFor();
    await page.waitForTimeout(300);
    expect((await smallestText(page)).zoom).toBeLessThanOrEqual(1);
    await page.locator('.react-flow__controls-fitview').click();
    await page.waitForTimeout(300);
    const text = await smallestText(page);
    expect(text.zoom).toBeLessThanOrEqual(1);
    expect(text.px).toBeGreaterThanOrEqual(11);
    expect(await page.locator('.react-flow__node [data-compact]').count()).toBe(0);
    expect(await underMinimap(page)).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'readable-02-three-steps-1440x900.png') });

    // an open exit is a warning until the marketer says it ends there on purpose
    const warning = page.locator('[data-problems] li.issue.warning', { hasText: 'The “next” exit is not connected' });
    await warning.waitFor();
    await page.click('[data-node-id="push"]');
    await page.locator('[data-inspector="push"] input[name=ends-out]').check();
    await warning.waitFor({ state: 'detached' });
    await page.locator('[data-node-id="push"] [data-ends="out"]').waitFor();
    await page.locator('[data-save-status=saved]').waitFor();
    const stored = (await api.http().get(`/api/flows/${id}`).set('Authorization', api.admin).expect(200)).body;
    expect(stored.graph.nodes.find((n: { id: string }) => n.id === 'push').ends).toEqual(['out']);
    expect((await api.http().post(`/api/flows/${id}/validate`).set('Authorization', api.admin).send({}).expect(200)).body.warnings).toEqual(
      [],
    );
    expect(pageErrors).toEqual([]);
  });

  it('selects several steps with Shift-click and a Shift-drag rectangle, and lists the keys on ?', async () => {
    const hint = page.locator('.empty-inspector .muted');
    await page.click('[data-node-id="trigger"]');
    await page.click('[data-node-id="push"]', { modifiers: ['Shift'] });
    await hint.filter({ hasText: '2 steps selected.' }).waitFor();
    await page.click('[data-node-id="paid"]', { modifiers: ['Shift'] });
    await hint.filter({ hasText: '3 steps selected.' }).waitFor();
    await page.click('.react-flow__pane', { position: { x: 20, y: 300 } }); // a click on the canvas clears it
    await page.locator('.empty-inspector .muted', { hasText: 'Select a step to edit it.' }).waitFor();

    // a rectangle from one empty corner of the canvas to the other, Shift held
    const pane = (await page.locator('.react-flow__pane').boundingBox())!;
    await page.keyboard.down('Shift');
    await page.mouse.move(pane.x + 8, pane.y + 60);
    await page.mouse.down();
    await page.mouse.move(pane.x + pane.width - 8, pane.y + pane.height - 8, { steps: 10 });
    await page.mouse.up();
    await page.keyboard.up('Shift');
    await hint.filter({ hasText: '3 steps selected.' }).waitFor();

    await page.locator('.react-flow__pane').click({ position: { x: 20, y: 300 } });
    await page.keyboard.press('?');
    const help = page.locator('[data-keyboard-help]');
    await help.locator('tr', { hasText: 'Shift-click' }).waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'readable-03-keys-1440x900.png') });
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });
    expect(pageErrors).toEqual([]);
  });
});
