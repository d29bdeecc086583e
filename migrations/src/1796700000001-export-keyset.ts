import { MigrationInterface, QueryRunner } from 'typeorm';

/** CSV exports page a flow's journeys and messages by id (keyset): one index range per page, whatever the size. */
export class ExportKeyset1796700000001 implements MigrationInterface {
  name = 'ExportKeyset1796700000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX journeys_flow_id_idx ON journeys (flow_id, id)`);
    await q.query(`CREATE INDEX messages_flow_id_idx ON messages (flow_id, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS messages_flow_id_idx`);
    await q.query(`DROP INDEX IF EXISTS journeys_flow_id_idx`);
  }
}
