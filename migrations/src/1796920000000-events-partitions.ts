import { MigrationInterface, QueryRunner } from 'typeorm';
import { createMonthlyPartitions } from './monthly-partitions';

const columns = 'id, contact_id, name, occurred_at, properties, is_activity, received_at, message_id';
const indexes = ['events_contact_name_time_idx', 'events_contact_time_idx', 'events_name_time_idx'];

/**
 * Issue 23, bounded storage: `events` becomes a table partitioned by month of `received_at` (the server's instant, so
 * months fill in order whatever a sender puts in `occurred_at`), with `events_pYYYYMM` months and an `events_default`
 * partition as `journey_log` has (`engine/src/runtime/store/time-partitions.ts` creates months ahead and drops them
 * past retention). The primary key gains `received_at` (a partitioned table's keys must contain its partition
 * column), so a sender's message id can no longer be unique on `events` across months: it moves to its own key table
 * `event_message_ids (message_id, contact_id)`, which the ingest statement writes first (ON CONFLICT DO NOTHING) and
 * stores only the events whose key it wrote. Its rows carry their event's `received_at` and go when that month of
 * events is dropped. Existing rows move into their months; every key is carried over.
 */
export class EventsPartitions1796920000000 implements MigrationInterface {
  name = 'EventsPartitions1796920000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE event_message_ids (
        message_id text NOT NULL,
        contact_id bigint NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
        received_at timestamptz NOT NULL,
        PRIMARY KEY (message_id, contact_id)
      )`);
    await q.query(`CREATE INDEX event_message_ids_received_idx ON event_message_ids (received_at)`);
    await q.query(`
      INSERT INTO event_message_ids (message_id, contact_id, received_at)
      SELECT message_id, contact_id, min(received_at) FROM events WHERE message_id IS NOT NULL GROUP BY 1, 2`);
    await setAside(q, 'events_unpartitioned', [...indexes, 'events_pkey', 'events_message_id_key']);
    await q.query(createEvents('PRIMARY KEY (id, contact_id, received_at)', 'PARTITION BY RANGE (received_at)'));
    await createMonthlyPartitions(q, 'events', 'received_at', 'events_unpartitioned');
    await moveRowsAndRestore(q, 'events_unpartitioned');
  }

  async down(q: QueryRunner): Promise<void> {
    await setAside(q, 'events_partitioned', [...indexes, 'events_pkey']);
    await q.query(createEvents('PRIMARY KEY (id, contact_id)', ''));
    await moveRowsAndRestore(q, 'events_partitioned');
    await q.query(`CREATE UNIQUE INDEX events_message_id_key ON events (message_id, contact_id) WHERE message_id IS NOT NULL`);
    await q.query(`DROP TABLE event_message_ids`);
  }
}

/** The table as it is, renamed with its index names, so the new table can take the names. */
async function setAside(q: QueryRunner, as: string, indexNames: string[]): Promise<void> {
  await q.query(`ALTER TABLE events RENAME TO ${as}`);
  for (const index of indexNames) await q.query(`ALTER INDEX ${index} RENAME TO ${index.replace(/^events/, as)}`);
  await q.query(`ALTER TABLE ${as} DROP CONSTRAINT events_contact_id_fkey`);
}

function createEvents(primaryKey: string, partitioning: string): string {
  return `
    CREATE TABLE events (
      id bigint NOT NULL DEFAULT nextval('events_id_seq'),
      contact_id bigint NOT NULL,
      name text NOT NULL CONSTRAINT events_name_check CHECK (length(name) BETWEEN 1 AND 200),
      occurred_at timestamptz NOT NULL,
      properties jsonb NOT NULL DEFAULT '{}'::jsonb,
      is_activity boolean NOT NULL DEFAULT true,
      received_at timestamptz NOT NULL,
      message_id text CONSTRAINT events_message_id_check CHECK (length(message_id) BETWEEN 1 AND 200),
      CONSTRAINT events_pkey ${primaryKey}
    ) ${partitioning}`;
}

/** Every row into the new table, the old one gone; then the indexes and the contact key. */
async function moveRowsAndRestore(q: QueryRunner, from: string): Promise<void> {
  await q.query(`INSERT INTO events (${columns}) SELECT ${columns} FROM ${from} ORDER BY id`);
  await q.query(`ALTER SEQUENCE events_id_seq OWNED BY events.id`);
  await q.query(`DROP TABLE ${from}`);
  await q.query(`CREATE INDEX events_contact_name_time_idx ON events (contact_id, name, occurred_at)`);
  await q.query(`CREATE INDEX events_contact_time_idx ON events (contact_id, occurred_at)`);
  await q.query(`CREATE INDEX events_name_time_idx ON events (name, occurred_at)`);
  await q.query(
    `ALTER TABLE events ADD CONSTRAINT events_contact_id_fkey FOREIGN KEY (contact_id) REFERENCES contacts (id) ON DELETE CASCADE`,
  );
}
