import { Global, Module } from '@nestjs/common';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { EventIngestor, SystemClock, VirtualClock, type Clock } from '@boomerang/engine/runtime';
import { defaultWorkspaceSettings } from '../settings/settings.dto';
import { APP_CONFIG, type AppConfig } from '../config';
import { ClockController } from './clock.controller';
import { CLOCK, ENGINE_DB } from './engine.tokens';
import { EngineService } from './engine.service';

export { CLOCK, ENGINE_DB } from './engine.tokens';

/** TypeORM's own pg pool: the engine shares the process's connections instead of opening a second pool. */
export function poolOf(dataSource: DataSource): Pool {
  return (dataSource.driver as unknown as { master: Pool }).master;
}

/**
 * Hosts the engine runtime in the Nest app: the `CLOCK` every module should read time from (inject with
 * `@Inject(CLOCK) clock: Clock`), `EngineService` (ticks, `kick()`), and `/api/clock`.
 */
@Global()
@Module({
  controllers: [ClockController],
  providers: [
    { provide: ENGINE_DB, inject: [DataSource], useFactory: (dataSource: DataSource): Pool => poolOf(dataSource) },
    {
      provide: CLOCK,
      inject: [APP_CONFIG, ENGINE_DB],
      useFactory: (config: AppConfig, db: Pool): Clock => (config.CLOCK === 'virtual' ? new VirtualClock(db) : new SystemClock()),
    },
    {
      // event ingestion writes engine tables (trigger inbox, journey wake-ups): the API stores events through it
      provide: EventIngestor,
      inject: [ENGINE_DB, CLOCK],
      useFactory: (db: Pool, clock: Clock) =>
        new EventIngestor(
          db,
          () => clock.now(),
          () => defaultWorkspaceSettings,
        ),
    },
    EngineService,
  ],
  exports: [CLOCK, ENGINE_DB, EngineService, EventIngestor],
})
export class EngineModule {}
