/**
 * Idle benchmark: `npm run bench:idle -- [--seconds 30] [--contacts 10000]`. The real app (ENGINE=on, a tick every
 * second) on its own database, measured twice for N seconds each: a fresh install (no flow), then a quiet workspace
 * (the weekly check-in active over N contacts, nobody due). Prints the app process's CPU (user + system, % of one
 * core), the ticks it ran and the transactions PostgreSQL committed for the database (pg_stat_database), per second.
 */
import { ApiKeysRepository } from '../api/src/auth/api-keys.repository';
import { ensureAdminApiKey } from '../api/src/auth/bootstrap-api-key';
import { createApp } from '../api/src/bootstrap';
import { loadConfig } from '../api/src/config';
import { connectAndMigrate, createDataSource } from '../api/src/database/data-source';
import { EngineService } from '../api/src/engine/engine.service';
import { freePort } from '../api/src/database/free-port';
import { arg, createBenchDatabase } from './bench-database';

async function main(): Promise<void> {
  const seconds = arg('seconds', 30);
  const contacts = arg('contacts', 10_000);
  const database = await createBenchDatabase('idle');
  const dataSource = createDataSource(database.url, { poolSize: 10 });
  try {
    await connectAndMigrate(dataSource);
    const key = 'bench-admin-key-0123456789abcdef';
    const port = await freePort();
    const config = loadConfig({
      DATABASE_URL: database.url,
      ENGINE: 'on',
      TICK_CRON: '* * * * * *',
      API_KEY: key,
      LOG_LEVEL: 'error',
      PORT: String(port),
    });
    const app = await createApp(config, dataSource);
    await ensureAdminApiKey(app.get(ApiKeysRepository), key, '.boomerang-bench');
    await app.listen(port, '127.0.0.1');
    const engine = app.get(EngineService);
    let ticks = 0;
    const tick = engine.engine.tick.bind(engine.engine);
    engine.engine.tick = (now: Date) => {
      ticks++;
      return tick(now);
    };
    engine.start();

    const measure = async (label: string) => {
      await new Promise((resolve) => setTimeout(resolve, 2000)); // settle
      const xacts = async () =>
        Number(
          (await dataSource.query(`SELECT xact_commit + xact_rollback AS n FROM pg_stat_database WHERE datname = current_database()`))[0].n,
        );
      const cpu0 = process.cpuUsage();
      const x0 = await xacts();
      const t0 = ticks;
      const start = performance.now();
      await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
      const elapsed = (performance.now() - start) / 1000;
      const cpu = process.cpuUsage(cpu0);
      const x1 = await xacts();
      console.log(
        `${label.padEnd(44)} CPU ${((100 * (cpu.user + cpu.system)) / 1e6 / elapsed).toFixed(2)} % of a core · ` +
          `${((ticks - t0) / elapsed).toFixed(2)} ticks/s · ${((x1 - x0 - 2) / elapsed).toFixed(1)} transactions/s (over ${elapsed.toFixed(0)} s)`,
      );
    };

    await measure('fresh install, no flow');
    await dataSource.query(
      `INSERT INTO contacts (external_id, attributes, consent, timezone, last_active_at, created_at, updated_at)
       SELECT 'c' || g, jsonb_build_object('pushToken', 'tok' || g), '{"push":true}', 'UTC', now(), now() - interval '90 days', now() - interval '90 days'
         FROM generate_series(1, $1) g`,
      [contacts],
    );
    const auth = { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' };
    const base = `http://127.0.0.1:${port}`;
    const created = await fetch(`${base}/api/flows`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ name: 'Weekly check-in', templateId: 'weekly-checkin' }),
    });
    const flow = (await created.json()) as { id: string };
    const activated = await fetch(`${base}/api/flows/${flow.id}/activate`, { method: 'POST', headers: auth });
    if (!activated.ok) throw new Error(`activate: ${activated.status} ${await activated.text()}`);
    await measure(`quiet: check-in active, ${contacts.toLocaleString('en')} active contacts`);
    await app.close();
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    await database.dispose();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
