/**
 * A separate engine process for the concurrency and crash tests:
 *   DATABASE_URL=… ENGINE_NOW=<iso> [ENGINE_BATCH_SIZE=n] [ENGINE_SLEEP_BEFORE_COMMIT_MS=n] [ENGINE_CLAIM_BY_BUCKET=1|0] \
 *     [ENGINE_APPLICATION_NAME=name] node -r @swc-node/register tests/support/engine-worker.ts
 * Runs one tick at ENGINE_NOW and prints `done {report}`. With the sleep hook it prints `holding` inside each batch
 * transaction (rows locked, writes done, nothing committed) and sleeps, so a test can SIGKILL it there.
 * With ENGINE_LOOP_MS=n it ticks at the wall clock every n ms until SIGTERM, then finishes its tick and prints
 * `done {ticks, enrolled}`.
 */
import { Pool } from 'pg';
import { ENGINE_SESSION_OPTIONS, Engine, SystemClock } from '@boomerang/engine/runtime';

async function main(): Promise<void> {
  const pool = new Pool({
    connectionString: process.env.DATABASE_URL,
    max: 4,
    application_name: process.env.ENGINE_APPLICATION_NAME ?? 'engine-worker',
    options: ENGINE_SESSION_OPTIONS,
  });
  const sleep = Number(process.env.ENGINE_SLEEP_BEFORE_COMMIT_MS ?? 0);
  const engine = new Engine({
    db: pool,
    clock: new SystemClock(),
    batchSize: Number(process.env.ENGINE_BATCH_SIZE ?? 500),
    // unset: the engine's own choice (per bucket on a database sharded by contact with Citus)
    claimByBucket: process.env.ENGINE_CLAIM_BY_BUCKET ? process.env.ENGINE_CLAIM_BY_BUCKET === '1' : 'auto',
    beforeCommit: sleep
      ? async () => {
          process.stdout.write('holding\n');
          await new Promise((resolve) => setTimeout(resolve, sleep));
        }
      : undefined,
  });
  const loopMs = Number(process.env.ENGINE_LOOP_MS ?? 0);
  if (loopMs) {
    let stop = false;
    process.on('SIGTERM', () => (stop = true));
    let ticks = 0;
    let enrolled = 0;
    process.stdout.write('looping\n');
    while (!stop) {
      enrolled += (await engine.tick(new Date())).enrolled;
      ticks++;
      await new Promise((resolve) => setTimeout(resolve, loopMs));
    }
    process.stdout.write(`done ${JSON.stringify({ ticks, enrolled })}\n`);
    await pool.end();
    return;
  }
  const report = await engine.tick(new Date(process.env.ENGINE_NOW ?? Date.now()));
  process.stdout.write(`done ${JSON.stringify(report)}\n`);
  await pool.end();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
