import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

export const repoRoot = join(__dirname, '..', '..');

export interface RunningServer {
  child: ChildProcess;
  output(): string;
  /** resolves with the exit code */
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts the server with the given environment (DATABASE_URL and API_KEY removed unless given): through the README's
 * `npm start` (builds the editor when stale, then execs the server), or `api/src/main.ts` directly.
 */
export function startServer(env: Record<string, string | undefined>, via: 'npm' | 'node' = 'node'): RunningServer {
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  delete childEnv.DATABASE_URL;
  delete childEnv.API_KEY;
  Object.assign(childEnv, env);
  const [command, args] =
    via === 'npm' ? ['npm', ['start', '--silent']] : [process.execPath, ['-r', '@swc-node/register', 'api/src/main.ts']];
  const child = spawn(command, args, {
    cwd: repoRoot,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    output: () => output,
    exited,
    async stop(signal = 'SIGINT') {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}

export async function waitForOutput(
  server: Pick<RunningServer, 'child' | 'output'>,
  pattern: RegExp,
  timeoutMs = 90_000,
): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = server.output().match(pattern);
    if (match) return match;
    if (server.child.exitCode !== null) throw new Error(`server exited (${server.child.exitCode}):\n${server.output()}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}:\n${server.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export interface EngineWorker {
  child: ChildProcess;
  output(): string;
  /** resolves with the exit code (null when killed by a signal) */
  exited: Promise<number | null>;
}

/** A separate engine process (`tests/support/engine-worker.ts`, configured by `env`). */
export function spawnEngineWorker(env: Record<string, string>): EngineWorker {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'tests/support/engine-worker.ts'], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

/** Polls `check` every 50 ms until it holds; fails after `timeoutMs` naming `what`. */
export async function waitUntil(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
