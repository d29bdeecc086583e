/**
 * One engine replica of the fault suite, a separate OS process:
 *   DATABASE_URL=… STUB_URL=http://127.0.0.1:port REPLICA=n node -r @swc-node/register tests/faults/engine-replica.ts
 * Loops ticks at the virtual clock's now (the driver moves it) with the live push adapter pointed at the provider
 * stub. A failed tick (PostgreSQL restarting, a connection cut) is reported and retried on the same pool: the process
 * is never restarted for it. Prints `tick <n> ok` after each successful tick, `tick failed: …` after a failed one.
 * SIGTERM: finishes the current tick and exits 0. The driver SIGKILLs it at random moments.
 */
import { Pool } from 'pg';
import { ENGINE_SESSION_OPTIONS, Engine, HttpPool, PushAdapter, VirtualClock } from '@boomerang/engine/runtime';

async function main(): Promise<void> {
  const pool = new Pool({
    options: ENGINE_SESSION_OPTIONS,
    connectionString: process.env.DATABASE_URL,
    max: 6,
    application_name: `fault-replica-${process.env.REPLICA ?? '?'}`,
  });
  // idle connections cut by a PostgreSQL restart are not fatal: the pool opens new ones on the next query
  pool.on('error', () => undefined);
  const timeoutMs = Number(process.env.PROVIDER_TIMEOUT_MS ?? 800);
  const http = new HttpPool({ timeoutMs });
  const push = new PushAdapter({
    publicUrl: 'http://127.0.0.1:1',
    timeoutMs,
    fcm: { url: `${process.env.STUB_URL}/v1/projects/fault/messages:send`, token: 'fault-suite-token' },
    pool: http,
  });
  const clock = new VirtualClock(pool);
  const engine = new Engine({
    db: pool,
    clock,
    batchSize: Number(process.env.ENGINE_BATCH_SIZE ?? 200),
    adapters: { push },
    dispatch: { backoffMs: 60_000, batchSize: 400, concurrency: 16 },
    logger: { warn: () => undefined, error: (m) => process.stderr.write(`engine error: ${m}\n`) },
  });
  let stop = false;
  process.on('SIGTERM', () => (stop = true));
  let ticks = 0;
  process.stdout.write('ready\n');
  while (!stop) {
    try {
      const now = await clock.now();
      await engine.tick(now);
      ticks++;
      process.stdout.write(`tick ${ticks} ok ${now.toISOString()}\n`);
    } catch (error) {
      process.stdout.write(`tick failed: ${(error as Error).message.split('\n')[0]}\n`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await push.close?.();
  await http.close();
  await pool.end();
  process.stdout.write(`done ${ticks}\n`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
