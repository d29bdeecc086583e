import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Marks a workspace seeded as the demo (issue 11). The demo traffic generator refuses to run unless this row exists,
 * so it can never write made-up behaviour into a real workspace.
 */
export class DemoWorkspace1796700000000 implements MigrationInterface {
  name = 'DemoWorkspace1796700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE demo_workspace (
        id smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
        seed integer NOT NULL,
        seeded_at timestamptz NOT NULL,
        contacts integer NOT NULL,
        events integer NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS demo_workspace`);
  }
}
