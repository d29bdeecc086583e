/**
 * The reduced fault suite in `npm test` (see fault-suite.ts), run in its own process: 3 engine replicas as OS
 * processes, ≥ 20 SIGKILLs, one PostgreSQL restart, a provider failing 30 % and hanging 5 %, ingestion throughout —
 * then every invariant checked. `npm run test:faults -- --full` runs the 50,000-journey size.
 */
import { spawn } from 'node:child_process';
import type { FaultSummary } from './fault-suite';
import { reducedSize } from './fault-suite';
import { repoRoot } from '../support/process';

jest.setTimeout(290_000);

it('under kills, a PostgreSQL restart and a faulty provider nothing is lost, doubled or sent out of hours', async () => {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'tests/faults/run.ts'], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const timer = setTimeout(() => child.kill('SIGINT'), 280_000);
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  clearTimeout(timer);
  process.stdout.write(output.replace(/^summary .*$/m, ''));
  const line = /^summary (.*)$/m.exec(output);
  expect(line).not.toBeNull();
  const summary = JSON.parse(line![1]) as FaultSummary;
  expect(summary.violations).toEqual([]);
  expect(code).toBe(0);
  expect(summary.kills).toBeGreaterThanOrEqual(20);
  expect(summary.postgresRestarts).toBe(1);
  expect(summary.resumedAfterRestartMs).not.toBeNull();
  expect(summary.resumedAfterRestartMs!).toBeLessThan(30_000);
  expect(summary.providerFailures).toBeGreaterThan(0);
  expect(summary.providerHangs).toBeGreaterThan(0);
  expect(summary.journeys).toBeGreaterThanOrEqual(reducedSize.dormant + reducedSize.signups);
  expect(summary.messagesDelivered).toBeGreaterThan(0);
  expect(summary.duplicates).toBe(0);
  expect(summary.lost).toBe(0);
});
