#!/usr/bin/env node
// Builds the editor when editor/dist/index.html is missing or older than anything it is built from (the editor's
// sources and config, and the engine core it bundles). Called by the root `npm start` before the API starts.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const editor = join(dirname(fileURLToPath(import.meta.url)), '..');
const root = join(editor, '..');
const built = join(editor, 'dist', 'index.html');
const inputs = [
  join(editor, 'src'),
  join(editor, 'index.html'),
  join(editor, 'vite.config.ts'),
  join(editor, 'tsconfig.json'),
  join(editor, 'package.json'),
  join(root, 'engine', 'src', 'core'),
];

/** Newest modification time under a file or folder (0 when missing). */
export function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

export function isStale() {
  if (!existsSync(built)) return 'editor/dist is missing';
  const builtAt = statSync(built).mtimeMs;
  const changed = inputs.find((p) => newestMtime(p) > builtAt);
  return changed ? `${changed.slice(root.length + 1)} changed since the last build` : null;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const why = isStale();
  if (!why) process.exit(0);
  console.log(`building the editor (${why})…`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  // always a production build: under jest NODE_ENV is "test", and Vite would then bundle React's development build
  // (JSX dev runtime, checks) — ten times slower on a 300-step flow
  const result = spawnSync(npm, ['run', 'build', '-w', 'editor'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (result.status !== 0) {
    if (existsSync(built)) {
      console.error('the editor build failed; serving the previous build');
      process.exit(0);
    }
    console.error('the editor build failed; the API starts without the editor');
    process.exit(0);
  }
}
