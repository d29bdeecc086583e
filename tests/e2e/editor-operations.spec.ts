/**
 * The Operations screen in Debian's Chromium against the real app: a viewer opens it from the navigation, reads
 * the figures of `/api/health/details` in plain words (4 overdue journeys, a flow enrolling slowly, one engine
 * process alive and one silent), then an engine tick clears them and the page turns "All fine" on its own refresh.
 * Screenshots at 1440×900 under tests/artifacts/ (git-ignored).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Pool } from 'pg';
import type { Browser, Page } from 'playwright-core';
import { Engine, SystemClock, ingestEventRows } from '@boomerang/engine/runtime';
import { startApi, type ApiHarness } from '../support/api-app';
import { ensureEditorBuilt, launchChromium, listenLocally, signIn } from '../support/editor-browser';
import { createActiveFlow, seedContacts, sendThenWaitGraph } from '../support/engine-fixtures';
import { repoRoot } from '../support/process';

const ARTIFACTS = join(repoRoot, 'tests', 'artifacts');
const EMAIL = 'watcher@example.com';
const PASSWORD = 'correct horse battery staple';

describe('the Operations screen in the browser', () => {
  let api: ApiHarness;
  let pool: Pool;
  let browser: Browser;
  let page: Page;
  let base: string;
  let engine: Engine;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    ensureEditorBuilt();
    api = await startApi('editor_operations', { OVERDUE_AFTER_SECONDS: '60' });
    pool = new Pool({ connectionString: api.db.url, max: 2 });
    await api
      .http()
      .post('/api/users')
      .set('Authorization', api.admin)
      .send({ email: EMAIL, password: PASSWORD, role: 'viewer' })
      .expect(201);

    // 4 journeys enrolled an hour ago that no engine advanced since; a flow whose sign-up waits an hour to enrol
    const hourAgo = new Date(Date.now() - 3_600_000);
    await seedContacts(pool, 4, { prefix: 'o' });
    await createActiveFlow(pool, sendThenWaitGraph(), { name: 'Dormant push' });
    engine = new Engine({ db: pool, clock: new SystemClock(), heartbeat: { id: 'engine-a' } });
    expect(await engine.enroll(hourAgo)).toBe(4);
    await createActiveFlow(pool, sendThenWaitGraph({ kind: 'event', event: 'signed_up' }), { name: 'Welcome series' });
    await ingestEventRows(pool, [{ e: 'o0', n: 'signed_up', t: hourAgo.toISOString(), p: {} }], hourAgo, {
      createContactsOnEvent: false,
      nonActivityEvents: [],
    });
    // two engine processes: one that ticked a moment ago, one silent for ten minutes after an error
    await pool.query(
      `INSERT INTO engine_processes (id, hostname, pid, started_at, seen_at, last_tick_at, ticks, last_tick_ms, last_error)
       VALUES ('engine-a', 'worker-1', 4242, now() - interval '2 hours', now(), now(), 1380, 41, NULL),
              ('engine-b', 'worker-2', 777, now() - interval '3 hours', now() - interval '10 minutes', now() - interval '10 minutes', 512, 38,
               'connection terminated unexpectedly')`,
    );

    base = await listenLocally(api);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await signIn(page, base, EMAIL, PASSWORD);
  });

  afterAll(async () => {
    await browser?.close();
    await pool?.end();
    await api?.close();
  });

  const details = async () => (await api.http().get('/api/health/details').set('Authorization', api.admin).expect(200)).body;
  const figure = async (key: string) => Number((await page.locator(`[data-ops="${key}"] .stat-value`).textContent())?.replace(/,/g, ''));

  it('shows the API’s figures in plain words, with the engine processes and their last tick', async () => {
    await page.getByRole('link', { name: 'Operations' }).click();
    await page.getByRole('heading', { name: 'Operations' }).waitFor();
    await page.locator('[data-ops-verdict]').waitFor();
    const api1 = await details();
    expect(api1.journeys.overdue).toBe(4);
    expect(await page.locator('[data-ops-verdict]').getAttribute('data-ops-verdict')).toBe('attention');
    expect(await page.locator('[data-ops-verdict]').textContent()).toBe('Needs attention: journeys overdue, flows enrolling slowly.');
    expect(await figure('journeysOverdue')).toBe(api1.journeys.overdue);
    expect(await figure('messagesOverdue')).toBe(api1.messages.overdue);
    expect(await figure('failedAfterRetries')).toBe(api1.messages.failedAfterRetries);
    expect(await figure('slowEnrollment')).toBe(api1.enrollment.slowFlows);
    expect(await figure('engineAlive')).toBe(api1.engine.alive);
    expect(await page.locator('[data-ops="journeysOverdue"]').getAttribute('data-state')).toBe('attention');
    expect(await page.locator('[data-ops="messagesOverdue"]').getAttribute('data-state')).toBe('fine');
    expect(await page.locator('[data-ops="journeysOverdue"] .ops-words').textContent()).toBe(
      '4 journeys of active flows should have moved on more than 60 seconds ago and have not: is an engine running?',
    );
    expect(await page.locator('[data-ops="engineAlive"] .ops-words').textContent()).toBe('1 engine process ticking, 1 silent.');
    expect(await page.locator('[data-ops-slow-flows] tbody tr').allTextContents()).toEqual([expect.stringMatching(/^Welcome series1/)]);

    expect(await page.locator('[data-process]').count()).toBe(api1.engine.processes.length);
    for (const p of api1.engine.processes as { id: string; secondsSinceSeen: number; alive: boolean; ticks: number }[]) {
      const row = page.locator(`[data-process="${p.id}"]`);
      const shown = (await row.locator('[data-last-tick]').textContent()) ?? '';
      if (p.alive) {
        const seconds = Number(/^last tick (\d+) s ago$/.exec(shown)?.[1]);
        expect(Math.abs(seconds - p.secondsSinceSeen)).toBeLessThanOrEqual(6); // one refresh apart at most
      } else expect(shown).toBe('last tick 10 min ago');
      expect(await row.textContent()).toContain(p.alive ? 'alive' : 'silent');
      expect(await row.textContent()).toContain(p.ticks.toLocaleString('en'));
    }
    expect(await page.locator('[data-process="engine-b"]').textContent()).toContain('connection terminated unexpectedly');
    await page.waitForTimeout(200);
    await page.screenshot({ path: join(ARTIFACTS, 'operations-01-attention-1440x900.png') });
  });

  it('refreshes on its own: an engine tick clears the backlog and the page turns all fine', async () => {
    await engine.tick(new Date()); // advances the overdue journeys, enrols the waiting sign-up, writes engine-a's heartbeat
    await pool.query(`DELETE FROM engine_processes WHERE id = 'engine-b'`);
    await page.locator('[data-ops-verdict="fine"]').waitFor({ timeout: 15_000 });
    const api2 = await details();
    expect(await page.locator('[data-ops-verdict]').textContent()).toBe(
      'All fine: journeys and messages are on time and the engine is ticking.',
    );
    expect(await figure('journeysOverdue')).toBe(api2.journeys.overdue);
    expect(await figure('slowEnrollment')).toBe(0);
    expect(await figure('engineAlive')).toBe(1);
    expect(await page.locator('[data-ops-slow-flows]').count()).toBe(0);
    expect(await page.locator('[data-process]').count()).toBe(1);
    await page.waitForTimeout(200);
    await page.screenshot({ path: join(ARTIFACTS, 'operations-02-all-fine-1440x900.png') });
    expect(pageErrors).toEqual([]);
  });
});
