import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import databaseSetup from './global-setup';

/**
 * e2e suites run in parallel and two of them need the built editor (`npm start` and the browser test): build it once
 * here, before any of them starts, so they never race two Vite builds into the same folder.
 */
export default async function e2eGlobalSetup(): Promise<void> {
  const root = join(__dirname, '..', '..');
  execFileSync(process.execPath, [join(root, 'editor', 'scripts', 'ensure-built.mjs')], { cwd: root, stdio: 'inherit' });
  await databaseSetup();
}
