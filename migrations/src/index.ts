import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Every migration in this folder, loaded by file name (`<timestamp>-<name>.ts|js`), oldest first.
 * Never hand-listed: a new migration is a new file, nothing else changes (STYLE.md §11).
 */
export function loadMigrations(dir: string = __dirname): Function[] {
  return readdirSync(dir)
    .filter((file) => /^\d{13}-[\w-]+\.(ts|js)$/.test(file) && !file.endsWith('.d.ts'))
    .sort()
    .flatMap((file) => {
      const module = require(join(dir, file)) as Record<string, unknown>;
      return Object.values(module).filter((value): value is Function => typeof value === 'function');
    });
}
