import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { ApiHarness } from './api-app';
import { repoRoot } from './process';

/** Debian's Chromium (`apt-get install chromium`; .ci/run installs it). Never a downloaded browser. */
export const CHROMIUM = '/usr/bin/chromium';

const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

/** Fails (never skips) when the browser is missing: a silent skip would let the editor break unnoticed in CI. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium) to run the browser tests`);
  }
  return chromium.launch({ executablePath: CHROMIUM, args: chromiumArgs });
}

/**
 * Builds editor/dist when it is missing or older than its sources (the same check `npm start` makes). `npm start`
 * serves the previous build when a build fails; a browser test must not pass against it, so a build still stale
 * afterwards (a type error in editor/src, say) fails the test.
 */
export function ensureEditorBuilt(): void {
  const script = join(repoRoot, 'editor', 'scripts', 'ensure-built.mjs');
  execFileSync(process.execPath, [script], { cwd: repoRoot, stdio: 'inherit' });
  if (!existsSync(join(repoRoot, 'editor', 'dist', 'index.html'))) throw new Error('editor/dist/index.html was not built');
  const stillStale = `const why = (await import(${JSON.stringify(script)})).isStale(); if (why) { console.error(why); process.exit(1); }`;
  try {
    execFileSync(process.execPath, ['--input-type=module', '-e', stillStale], { cwd: repoRoot, stdio: 'pipe' });
  } catch (error) {
    throw new Error(`the editor build failed, editor/dist is stale: ${String((error as { stderr?: Buffer }).stderr ?? error)}`, {
      cause: error,
    });
  }
}

/** Puts the in-process app on a free local port; returns its base URL. */
export async function listenLocally(api: ApiHarness): Promise<string> {
  await api.app.listen(0, '127.0.0.1');
  const { port } = api.app.getHttpServer().address() as AddressInfo;
  return `http://127.0.0.1:${port}`;
}

/** Signs in on the editor's login form at `base` and waits for the flow list. */
export async function signIn(page: Page, base: string, email: string, password: string): Promise<void> {
  await page.goto(`${base}/`);
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
  await page.getByRole('heading', { name: 'Flows' }).waitFor();
}

/** Chromium with one 1440×900 page signed in at `base`; page errors are collected into `errors` for the spec to check. */
export async function signedInPage(
  base: string,
  email: string,
  password: string,
  errors: string[],
): Promise<{ browser: Browser; page: Page }> {
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.on('pageerror', (e) => errors.push(e.message));
  await signIn(page, base, email, password);
  return { browser, page };
}
