/**
 * Settings → Users in Debian's Chromium: an admin signs an editor out everywhere; the editor's open page (another
 * browser context, signed in) is sent back to the sign-in form with the session-ended notice on its next request.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { startApi, type ApiHarness } from '../support/api-app';
import { ensureEditorBuilt, launchChromium, listenLocally, signIn } from '../support/editor-browser';
import { repoRoot } from '../support/process';

const ARTIFACTS = join(repoRoot, 'tests', 'artifacts');
const PASSWORD = 'correct horse battery staple';

describe('signing a user out everywhere from Settings → Users', () => {
  let api: ApiHarness;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    ensureEditorBuilt();
    api = await startApi('editor_users');
    for (const [email, role] of [
      ['boss@example.com', 'admin'],
      ['leaver@example.com', 'editor'],
    ]) {
      await api.http().post('/api/users').set('Authorization', api.admin).send({ email, password: PASSWORD, role }).expect(201);
    }
    base = await listenLocally(api);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  it('ends every session of the user: their open page falls back to the sign-in form', async () => {
    const leaver = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
    await signIn(leaver, base, 'leaver@example.com', PASSWORD);
    const admin = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
    const pageErrors: string[] = [];
    admin.on('pageerror', (e) => pageErrors.push(e.message));
    await signIn(admin, base, 'boss@example.com', PASSWORD);

    await admin.goto(`${base}/#/settings/users`);
    const row = admin.locator('[data-user="leaver@example.com"]');
    await row.locator('[data-action="sign-out-everywhere"]').click();
    await admin.getByText('leaver@example.com is signed out everywhere (1 session ended).').waitFor();
    await admin.screenshot({ path: join(ARTIFACTS, 'users-01-signed-out-everywhere-1440x900.png') });
    expect(await api.sql(`SELECT 1 FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.email = 'leaver@example.com'`)).toEqual([]);

    await leaver.goto(`${base}/#/contacts`);
    await leaver.getByText('Your session has ended; please sign in again.').waitFor();
    expect(await leaver.locator('input[name=email]').count()).toBe(1);
    // the admin's own session goes on
    await admin.goto(`${base}/#/operations`);
    await admin.getByRole('heading', { name: 'Operations' }).waitFor();
    expect(pageErrors).toEqual([]);
  });
});
