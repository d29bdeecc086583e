import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Operations (issue 13): one heartbeat row per engine process, written by its ticks through the engine runtime
 * (`engine/src/runtime/store/processes.ts`): which processes are alive and when each last ticked. `seen_at` is wall
 * time (liveness); `last_tick_at` is the engine clock's now of that tick (virtual or system).
 */
export class EngineProcesses1796700000002 implements MigrationInterface {
  name = 'EngineProcesses1796700000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE engine_processes (
        id text PRIMARY KEY,
        hostname text NOT NULL,
        pid integer NOT NULL,
        started_at timestamptz NOT NULL,
        seen_at timestamptz NOT NULL,
        last_tick_at timestamptz,
        ticks bigint NOT NULL DEFAULT 0,
        last_tick_ms integer,
        last_error text
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE engine_processes`);
  }
}
