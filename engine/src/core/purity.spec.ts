/** The core stays pure: no framework, database or scheduler imports and no reading of the real clock. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.ts$/.test(name) && !/\.spec\.ts$/.test(name) ? [path] : [];
  });
}

const forbidden: [string, RegExp][] = [
  ['TypeORM', /from\s+['"]typeorm['"]|require\(['"]typeorm['"]\)/],
  ['NestJS', /from\s+['"]@nestjs\//],
  ['node-cron', /from\s+['"]node-cron['"]/],
  ['pg', /from\s+['"]pg['"]/],
  ['Date.now()', /Date\.now\s*\(/],
  ['new Date()', /new\s+Date\s*\(\s*\)/],
  ['luxon now()', /DateTime\.(now|local)\s*\(\s*\)/],
];

describe('engine/src/core purity', () => {
  const files = sources(__dirname);

  it('finds the core sources', () => {
    expect(files.length).toBeGreaterThan(10);
  });

  it.each(forbidden)('no module uses %s', (_name, pattern) => {
    const offenders = files.filter((f) => pattern.test(readFileSync(f, 'utf8'))).map((f) => relative(__dirname, f));
    expect(offenders).toEqual([]);
  });
});
