import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ApiKeysRepository } from './auth/api-keys.repository';
import { ensureAdminApiKey } from './auth/bootstrap-api-key';
import { ensureAdminUser } from './auth/bootstrap-admin-user';
import { UsersRepository } from './auth/users.repository';
import { createApp } from './bootstrap';
import { ConfigError, loadConfig } from './config';
import { connectAndMigrate, createDataSource } from './database/data-source';
import { EmbeddedDatabase, startEmbeddedPostgres } from './database/embedded-postgres';
import { DemoService } from './demo/demo.service';
import { EngineService } from './engine/engine.service';

async function main(): Promise<void> {
  const logger = new Logger('Boomerang');
  const config = loadConfig();
  let embedded: EmbeddedDatabase | undefined;
  let databaseUrl = config.DATABASE_URL;
  if (!databaseUrl) {
    logger.log(`starting embedded PostgreSQL in ${config.DATA_DIR}/pg`);
    embedded = await startEmbeddedPostgres(config.DATA_DIR, (line) => config.LOG_LEVEL === 'debug' && logger.debug(line));
    databaseUrl = embedded.url;
  }
  const dataSource = createDataSource(databaseUrl);
  try {
    const applied = await connectAndMigrate(dataSource);
    if (applied.length) logger.log(`applied migrations: ${applied.join(', ')}`);
    const app = await createApp(config, dataSource);
    const key = await ensureAdminApiKey(app.get(ApiKeysRepository), config.API_KEY, config.DATA_DIR);
    const admin = await ensureAdminUser(app.get(UsersRepository), config.ADMIN_EMAIL, config.ADMIN_PASSWORD);

    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.log(`${signal}: stopping`);
      await app.close();
      if (dataSource.isInitialized) await dataSource.destroy();
      await embedded?.stop();
      process.exit(0);
    };
    process.on('SIGINT', () => void stop('SIGINT'));
    process.on('SIGTERM', () => void stop('SIGTERM'));

    if (config.DEMO === 'on') {
      const started = Date.now();
      const demo = await app.get(DemoService).seedIfEmpty();
      if (demo.seeded)
        logger.log(
          `demo workspace seeded: ${demo.contacts} contacts, ${demo.events} events, ${demo.flows?.length} active flows (${Date.now() - started} ms)`,
        );
    }

    await app.listen(config.PORT, config.HOST);
    // the engine ticks only once the HTTP side is up; app.close() stops it (onApplicationShutdown) before the pool goes
    app.get(EngineService).start();
    // DEMO_TRAFFIC: behaviour keeps coming, only in a workspace seeded as the demo (checked inside, every round)
    if (config.DEMO_TRAFFIC === 'on') await app.get(DemoService).startTraffic();
    const url = `http://localhost:${config.PORT}`;
    // one banner, written at once, last: what a person needs to sign in
    const lines = [
      `Boomerang is listening on ${url} (API under ${url}/api)`,
      admin.created
        ? admin.generatedPassword
          ? `sign in as ${admin.email} with password ${admin.generatedPassword} (shown once; set ADMIN_PASSWORD to choose it)`
          : `sign in as ${admin.email} (password from ADMIN_PASSWORD)`
        : `sign in as an existing user (first admin: ${admin.email})`,
      // never the key itself (logs are shipped and kept): its prefix and where to read it
      key.source === 'env'
        ? `admin API key: from API_KEY (${key.key!.slice(0, 8)}…)`
        : key.key
          ? `admin API key (${key.source}): in ${key.file} (${key.key.slice(0, 8)}…)`
          : 'admin API key: set API_KEY, or use a key created earlier',
    ];
    if (!admin.created && config.ADMIN_PASSWORD) {
      lines.push(
        `ADMIN_PASSWORD was not applied: users exist already, and it only sets the first admin's password on an empty database.`,
        `To regain access, create a new admin with the admin API key: curl -X POST ${url}/api/users -H "Authorization: Bearer <key>" -H "Content-Type: application/json" -d '{"email":"you@example.com","password":"…","role":"admin"}'`,
      );
    }
    if (key.revokedEnvKeys) lines.push(`revoked ${key.revokedEnvKeys} API key(s) that came from an earlier API_KEY`);
    const width = Math.max(...lines.map((l) => l.length));
    const rule = '─'.repeat(width + 2);
    process.stdout.write(`\n┌${rule}┐\n${lines.map((l) => `│ ${l.padEnd(width)} │`).join('\n')}\n└${rule}┘\n\n`);
  } catch (error) {
    if (dataSource.isInitialized) await dataSource.destroy();
    await embedded?.stop();
    throw error;
  }
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) console.error(error.message);
  else console.error(error);
  process.exit(1);
});
