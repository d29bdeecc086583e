/**
 * One engine replica of `bench/replicas.ts`: connects, prints `ready`, waits for a line on stdin, runs ONE tick at
 * BENCH_NOW (claims, advance, commit, sandbox dispatch) and prints `done {report, ms}`.
 */
import { Pool } from 'pg';
import { Engine, SystemClock, ENGINE_SESSION_OPTIONS } from '@boomerang/engine/runtime';

async function main(): Promise<void> {
  const db = new Pool({ connectionString: process.env.DATABASE_URL, max: 4, options: ENGINE_SESSION_OPTIONS });
  db.on('error', () => undefined);
  const engine = new Engine({ db, clock: new SystemClock(), batchSize: Number(process.env.ENGINE_BATCH_SIZE ?? 500), heartbeat: false });
  await db.query('SELECT 1');
  process.stdout.write('ready\n');
  await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
  process.stdin.destroy(); // the open pipe would keep this process alive after its tick
  const started = process.hrtime.bigint();
  const report = await engine.tick(new Date(process.env.BENCH_NOW!));
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  process.stdout.write(`done ${JSON.stringify({ ...report, ms })}\n`);
  await db.end();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
