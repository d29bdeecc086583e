import { MigrationInterface, QueryRunner } from 'typeorm';
import { createMonthlyPartitions } from './monthly-partitions';

/** Every index but the keys; `messages_flow_idx (flow_id, node_id)` is not among them after `up` (see below). */
const indexes = [
  'messages_contact_time_idx',
  'messages_flow_id_idx',
  'messages_journey_idx',
  'messages_outbox_idx',
  'messages_provider_idx',
];
const foreignKeys = ['messages_contact_id_fkey', 'messages_flow_id_fkey', 'messages_journey_fkey'];

/**
 * Issue 23, bounded storage: `messages` becomes a table partitioned by month of `created_at` (the instant the step
 * queued it, which never changes), with `messages_pYYYYMM` months and a `messages_default` partition as `events` and
 * `journey_log` have (`engine/src/runtime/store/time-partitions.ts` creates months ahead and drops them past the
 * workspace's `retention.messageMonths`). The primary key gains `created_at` (a partitioned table's keys must contain
 * its partition column), so the idempotency key can no longer be unique on `messages` across months: it moves to its
 * own key table `message_keys (idempotency_key, contact_id)`, which the outbox writes first (ON CONFLICT DO NOTHING)
 * and queues only the messages whose key it wrote — a step replayed a month later (a crash, a retry) still sends once.
 * Keys carry their message's `created_at` and go when that month is dropped.
 *
 * `messages_flow_idx (flow_id, node_id)` is not re-created: every reader by flow (metrics, exports, archive) is served
 * as well by `messages_flow_id_idx (flow_id, id)`, and each index is one more write per queued message.
 */
export class MessagesPartitions1796930000000 implements MigrationInterface {
  name = 'MessagesPartitions1796930000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE message_keys (
        idempotency_key text NOT NULL,
        contact_id bigint NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL,
        PRIMARY KEY (idempotency_key, contact_id)
      )`);
    await q.query(`CREATE INDEX message_keys_created_idx ON message_keys (created_at)`);
    await q.query(
      `INSERT INTO message_keys (idempotency_key, contact_id, created_at) SELECT idempotency_key, contact_id, created_at FROM messages`,
    );
    await q.query(`DROP INDEX messages_flow_idx`);
    await setAside(q, 'messages_unpartitioned', [...indexes, 'messages_pkey', 'messages_idempotency_key_key']);
    await q.query(
      `CREATE TABLE messages (LIKE messages_unpartitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS) PARTITION BY RANGE (created_at)`,
    );
    await q.query(`ALTER TABLE messages ADD CONSTRAINT messages_pkey PRIMARY KEY (id, contact_id, created_at)`);
    await createMonthlyPartitions(q, 'messages', 'created_at', 'messages_unpartitioned');
    await moveRowsAndRestore(q, 'messages_unpartitioned');
  }

  async down(q: QueryRunner): Promise<void> {
    await setAside(q, 'messages_partitioned', [...indexes, 'messages_pkey']);
    await q.query(`CREATE TABLE messages (LIKE messages_partitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`);
    await q.query(`ALTER TABLE messages ADD CONSTRAINT messages_pkey PRIMARY KEY (id, contact_id)`);
    await moveRowsAndRestore(q, 'messages_partitioned');
    await q.query(`ALTER TABLE messages ADD CONSTRAINT messages_idempotency_key_key UNIQUE (idempotency_key, contact_id)`);
    await q.query(`CREATE INDEX messages_flow_idx ON messages (flow_id, node_id)`);
    await q.query(`DROP TABLE message_keys`);
  }
}

/**
 * The table as it is, renamed with its index names and without its foreign keys, so the new table (LIKE it: columns,
 * defaults and checks) can take them.
 */
async function setAside(q: QueryRunner, as: string, indexNames: string[]): Promise<void> {
  await q.query(`ALTER TABLE messages RENAME TO ${as}`);
  for (const index of indexNames) await q.query(`ALTER INDEX ${index} RENAME TO ${index.replace(/^messages/, as)}`);
  for (const key of foreignKeys) await q.query(`ALTER TABLE ${as} DROP CONSTRAINT ${key}`);
}

/** Every row into the new table, the old one gone; then the indexes and the foreign keys. */
async function moveRowsAndRestore(q: QueryRunner, from: string): Promise<void> {
  // LIKE kept the columns' order: the rows move whole
  await q.query(`INSERT INTO messages SELECT * FROM ${from} ORDER BY created_at, id`);
  await q.query(`DROP TABLE ${from}`);
  await q.query(`CREATE INDEX messages_contact_time_idx ON messages (contact_id, created_at)`);
  await q.query(`CREATE INDEX messages_flow_id_idx ON messages (flow_id, id)`);
  await q.query(`CREATE INDEX messages_journey_idx ON messages (journey_id)`);
  await q.query(`CREATE INDEX messages_outbox_idx ON messages (next_attempt_at) WHERE status = 'queued'`);
  await q.query(`CREATE INDEX messages_provider_idx ON messages (provider_id) WHERE provider_id IS NOT NULL`);
  await q.query(
    `ALTER TABLE messages ADD CONSTRAINT messages_contact_id_fkey FOREIGN KEY (contact_id) REFERENCES contacts (id) ON DELETE CASCADE`,
  );
  await q.query(`ALTER TABLE messages ADD CONSTRAINT messages_flow_id_fkey FOREIGN KEY (flow_id) REFERENCES flows (id) ON DELETE CASCADE`);
  await q.query(
    `ALTER TABLE messages ADD CONSTRAINT messages_journey_fkey FOREIGN KEY (contact_id, journey_id)
       REFERENCES journeys (contact_id, id) ON UPDATE CASCADE ON DELETE CASCADE`,
  );
}
