/**
 * The flow's settings in plain words (issue 21), in Debian's Chromium against the real app: the holdout, re-entry
 * (the trigger's `reentry`) and quiet hours (the workspace's, none, or the flow's own window) are set from one dialog
 * with a sentence each, autosaved with the draft and still there after a reload; a holdout of 80 % is refused at its
 * field and never saved. Screenshots under tests/artifacts/ (git-ignored).
 *
 *   trigger(inactive 7 d) → push(channel)
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import type { FlowGraphDocument } from '@boomerang/engine';
import { startApi, type ApiHarness } from '../support/api-app';
import { ensureEditorBuilt, listenLocally, signedInPage } from '../support/editor-browser';
import { repoRoot } from '../support/process';

jest.setTimeout(300_000);

const ARTIFACTS = join(repoRoot, 'tests', 'artifacts');
const EMAIL = 'settings@example.com';
const PASSWORD = 'correct horse battery staple';

const graph: FlowGraphDocument = {
  nodes: [
    { id: 'trigger', type: 'trigger', position: { x: 0, y: 0 }, data: { kind: 'inactive', days: 7 } },
    {
      id: 'push',
      type: 'channel',
      position: { x: 0, y: 220 },
      data: { channel: 'push', template: { title: 'We miss you', body: 'Come back' } },
      ends: ['out'],
    } as FlowGraphDocument['nodes'][number],
  ],
  edges: [{ id: 'e1', source: 'trigger', target: 'push' }],
};

/** What `read` answers once it equals `expected` (the autosave runs a few seconds after an edit), or the last answer. */
async function settled<T>(read: () => Promise<T>, expected: T, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  let value = await read();
  while (JSON.stringify(value) !== JSON.stringify(expected) && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 250));
    value = await read();
  }
  return value;
}

describe('flow settings: holdout, re-entry and quiet hours in words', () => {
  let api: ApiHarness;
  let browser: Browser;
  let page: Page;
  let base: string;
  let flowId: string;
  const pageErrors: string[] = [];
  const stored = async () => (await api.http().get(`/api/flows/${flowId}`).set('Authorization', api.admin).expect(200)).body;
  const dialog = (): Locator => page.locator('[data-flow-settings]');
  const sentence = (which: string) => dialog().locator(`[data-sentence="${which}"]`);
  const openSettings = async () => {
    await page.click('[data-action=flow-settings]');
    await dialog().waitFor();
  };
  /** the autosave has written what is on screen (the bar says "Saved") */
  const saved = async () => page.locator('[data-save-status=saved]').waitFor();

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    ensureEditorBuilt();
    api = await startApi('editor_flow_settings');
    base = await listenLocally(api);
    const auth = { Authorization: api.admin };
    await api
      .http()
      .put('/api/settings')
      .set(auth)
      .send({ quietHours: { start: '21:00', end: '09:00' } })
      .expect(200);
    await api.http().post('/api/users').set(auth).send({ email: EMAIL, password: PASSWORD, role: 'admin' }).expect(201);
    flowId = (await api.http().post('/api/flows').set(auth).send({ name: 'Lapsed push', graph }).expect(201)).body.id;
    ({ browser, page } = await signedInPage(base, EMAIL, PASSWORD, pageErrors));
  });

  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  it('shows the defaults in words: 10 % held out, once per contact, the workspace’s quiet hours', async () => {
    await page.goto(`${base}/#/flows/${flowId}`);
    await page.locator('[data-node-id="push"]').waitFor();
    await openSettings();
    expect(await dialog().locator('input[name=holdoutPercent]').inputValue()).toBe('10');
    expect(await sentence('holdout').textContent()).toBe(
      '10 in every 100 people who enter get nothing, so you can see how many would have come back anyway (the lift).',
    );
    expect(await dialog().locator('input[name=reentry][value=never]').isChecked()).toBe(true);
    expect(await sentence('reentry').textContent()).toBe(
      'A contact goes through this flow once: after their journey ends they never enter it again.',
    );
    expect(await dialog().locator('input[name=quietHours][value=workspace]').isChecked()).toBe(true);
    await dialog().locator('label', { hasText: "The workspace's (21:00–09:00)" }).waitFor();
    expect(await sentence('quietHours').textContent()).toBe(
      "Messages wait while it is between 21:00 and 09:00 in the contact's time zone, like in other flows.",
    );
  });

  it('sets each one, autosaves them with the draft, and finds them again after a reload', async () => {
    await dialog().locator('input[name=holdoutPercent]').fill('25');
    await sentence('holdout').filter({ hasText: '25 in every 100 people who enter get nothing' }).waitFor();

    await dialog().locator('input[name=reentry][value=again]').check();
    await dialog().locator('input[name=reentryCooldown-amount]').fill('14');
    await dialog().locator('select[name=reentryCooldown-unit]').selectOption('days');
    await sentence('reentry')
      .filter({ hasText: 'A contact can enter again 14 days after their last journey here ended, never while one is still running.' })
      .waitFor();

    await dialog().locator('input[name=quietHours][value=own]').check();
    await dialog().locator('input[name=quietStart]').fill('22:00');
    await dialog().locator('input[name=quietEnd]').fill('07:30');
    await sentence('quietHours')
      .filter({ hasText: "Messages of this flow wait while it is between 22:00 and 07:30 in the contact's time zone" })
      .waitFor();
    for (const [w, h] of [
      [1280, 720],
      [1440, 900],
    ]) {
      await page.setViewportSize({ width: w, height: h });
      await page.waitForTimeout(150);
      await page.screenshot({ path: join(ARTIFACTS, `flow-settings-${w}x${h}.png`) });
    }

    await settled(async () => (await stored()).settings, { holdoutPercent: 25, quietHours: { start: '22:00', end: '07:30' } });
    await saved();
    const flow = await stored();
    expect(flow.settings).toEqual({ holdoutPercent: 25, quietHours: { start: '22:00', end: '07:30' } });
    expect(flow.graph.nodes.find((n: { id: string }) => n.id === 'trigger').data).toEqual({
      kind: 'inactive',
      days: 7,
      reentry: { cooldown: 'P14D' },
    });
    // the trigger's card says it too
    await page.click('[data-action=close-settings]');
    await page.locator('[data-node-id="trigger"] .flow-node-summary', { hasText: 'again after 14 days' }).waitFor();

    await page.reload();
    await page.locator('[data-node-id="push"]').waitFor();
    await openSettings();
    expect(await dialog().locator('input[name=holdoutPercent]').inputValue()).toBe('25');
    expect(await dialog().locator('input[name=reentry][value=again]').isChecked()).toBe(true);
    expect(await dialog().locator('input[name=reentryCooldown-amount]').inputValue()).toBe('14');
    expect(await dialog().locator('input[name=quietHours][value=own]').isChecked()).toBe(true);
    expect(await dialog().locator('input[name=quietStart]').inputValue()).toBe('22:00');
    expect(await dialog().locator('input[name=quietEnd]').inputValue()).toBe('07:30');
  });

  it('refuses a holdout of 80 % at its field and never saves it', async () => {
    const field = dialog().locator('[data-field=holdoutPercent]');
    await field.locator('input').fill('80');
    await field.locator('.field-error', { hasText: 'at most 50' }).waitFor();
    expect(await field.locator('span').first().textContent()).toBe('Journeys held out (%)');
    expect(await page.locator('[data-save-status=unsaved]').count()).toBe(0); // nothing valid changed
    await page.waitForTimeout(3500); // longer than the autosave's delay: nothing goes out
    expect((await stored()).settings.holdoutPercent).toBe(25);
    await field.locator('input').fill('5');
    expect(await settled(async () => (await stored()).settings.holdoutPercent, 5)).toBe(5);
  });

  it('"none" and back to the workspace’s are saved as such; "once" writes never', async () => {
    await dialog().locator('input[name=quietHours][value=off]').check();
    await sentence('quietHours').filter({ hasText: 'Messages go out at any hour, even at night' }).waitFor();
    expect(await settled(async () => (await stored()).settings.quietHours, 'off')).toBe('off');
    await dialog().locator('input[name=quietHours][value=workspace]').check();
    await dialog().locator('input[name=reentry][value=never]').check();
    expect(await settled(async () => (await stored()).settings.quietHours, 'workspace')).toBe('workspace');
    const reentry = async () => (await stored()).graph.nodes.find((n: { id: string }) => n.id === 'trigger').data.reentry;
    expect(await settled(reentry, 'never')).toBe('never');
    expect(pageErrors).toEqual([]);
  });
});
