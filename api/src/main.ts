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

    await app.listen(config.PORT, config.HOST);
    const url = `http://localhost:${config.PORT}`;
    logger.log(`Boomerang is listening on ${url} (API under ${url}/api)`);
    // the engine ticks only once the HTTP side is up; app.close() stops it (onApplicationShutdown) before the pool goes
    app.get(EngineService).start();
    if (admin.created) {
      logger.log(
        admin.generatedPassword
          ? `admin user created: ${admin.email} with password ${admin.generatedPassword} (shown once; set ADMIN_PASSWORD to choose it)`
          : `admin user created: ${admin.email} (password from ADMIN_PASSWORD)`,
      );
    }
    // never the key itself (logs are shipped and kept): its prefix and where to read it
    if (key.revokedEnvKeys) logger.log(`revoked ${key.revokedEnvKeys} API key(s) that came from an earlier API_KEY`);
    if (key.source === 'env') logger.log(`admin API key: from API_KEY (${key.key!.slice(0, 8)}…)`);
    else if (key.key) logger.log(`admin API key (${key.source}): in ${key.file} (${key.key.slice(0, 8)}…)`);
    else logger.log('admin API key: set API_KEY, or use a key created earlier');
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
