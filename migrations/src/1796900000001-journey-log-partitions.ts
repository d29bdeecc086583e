import { MigrationInterface, QueryRunner } from 'typeorm';
import { createMonthlyPartitions } from './monthly-partitions';

const columns = 'id, journey_id, contact_id, at, node_id, kind, detail, step';

/**
 * Issue 23, bounded storage: `journey_log` becomes a table partitioned by month of `at` (native range partitioning;
 * Citus distributes a partitioned table by contact like any other). The engine creates months ahead and drops months
 * past the retention setting as whole partitions, never row by row (`engine/src/runtime/store/log-partitions.ts`).
 * Existing rows move into the months they belong to; the primary key gains `at` (a partitioned table's keys must
 * contain its partition column). Partition names are `journey_log_pYYYYMM`, read back by the engine.
 * A default partition (`journey_log_default`) takes a row outside every month (a test's or a simulation's clock years
 * away): no write ever fails for want of a month. When the engine creates a month, rows the default holds for it move
 * into it in the same transaction.
 */
export class JourneyLogPartitions1796900000001 implements MigrationInterface {
  name = 'JourneyLogPartitions1796900000001';

  async up(q: QueryRunner): Promise<void> {
    await setAside(q, 'journey_log_unpartitioned');
    await q.query(createLog('PRIMARY KEY (id, contact_id, at)', 'PARTITION BY RANGE (at)'));
    await createMonthlyPartitions(q, 'journey_log', 'at', 'journey_log_unpartitioned');
    await moveRowsAndRestore(q, 'journey_log_unpartitioned');
  }

  async down(q: QueryRunner): Promise<void> {
    await setAside(q, 'journey_log_partitioned');
    await q.query(createLog('PRIMARY KEY (id, contact_id)', ''));
    await moveRowsAndRestore(q, 'journey_log_partitioned');
  }
}

/** The log as it is, renamed with its index names, so the new table can take the names. */
async function setAside(q: QueryRunner, as: string): Promise<void> {
  await q.query(`ALTER TABLE journey_log RENAME TO ${as}`);
  await q.query(`ALTER INDEX journey_log_pkey RENAME TO ${as}_pkey`);
  await q.query(`ALTER INDEX journey_log_journey_idx RENAME TO ${as}_journey_idx`);
}

function createLog(primaryKey: string, partitioning: string): string {
  return `
    CREATE TABLE journey_log (
      id bigint NOT NULL DEFAULT nextval('journey_log_id_seq'),
      journey_id uuid NOT NULL,
      contact_id bigint NOT NULL,
      at timestamptz NOT NULL,
      node_id text NOT NULL,
      kind text NOT NULL,
      detail jsonb NOT NULL DEFAULT '{}'::jsonb,
      step integer,
      CONSTRAINT journey_log_node_has_step CHECK (kind <> 'node' OR step IS NOT NULL),
      CONSTRAINT journey_log_pkey ${primaryKey}
    ) ${partitioning}`;
}

/** Every row into the new table, the old one gone; then the index, the journey key and the append-only guard. */
async function moveRowsAndRestore(q: QueryRunner, from: string): Promise<void> {
  await q.query(`INSERT INTO journey_log (${columns}) SELECT ${columns} FROM ${from} ORDER BY id`);
  await q.query(`ALTER SEQUENCE journey_log_id_seq OWNED BY journey_log.id`);
  await q.query(`DROP TABLE ${from}`);
  await q.query(`CREATE INDEX journey_log_journey_idx ON journey_log (journey_id, id)`);
  await q.query(
    `ALTER TABLE journey_log ADD CONSTRAINT journey_log_journey_fkey FOREIGN KEY (contact_id, journey_id)
       REFERENCES journeys (contact_id, id) ON DELETE CASCADE ON UPDATE CASCADE`,
  );
  await q.query(
    `CREATE TRIGGER journey_log_no_update BEFORE UPDATE ON journey_log FOR EACH ROW EXECUTE FUNCTION journey_log_append_only()`,
  );
}
