import { MigrationInterface, QueryRunner } from 'typeorm';

/** The engine's per-contact tables whose primary key gains `contact_id` (contact_topics has it already). */
const contactKeyed = ['events', 'journeys', 'journey_log', 'messages', 'trigger_inbox'] as const;

/** journey_log is append-only, except that its rows may follow their journey to another contact (contact merge). */
const appendOnlyGuard = (allowRekey: boolean) => `
  CREATE OR REPLACE FUNCTION journey_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    ${
      allowRekey
        ? `IF (NEW.id, NEW.journey_id, NEW.at, NEW.node_id, NEW.kind, NEW.detail)
              IS NOT DISTINCT FROM (OLD.id, OLD.journey_id, OLD.at, OLD.node_id, OLD.kind, OLD.detail) THEN
         RETURN NEW;
       END IF;`
        : ''
    }
    RAISE EXCEPTION 'journey_log is append-only' USING ERRCODE = 'insufficient_privilege';
  END $$`;

/**
 * Issue 23, a schema that can be sharded by contact (Citus distributes a table by one column and co-locates tables
 * that share it; every primary and unique key of a distributed table must contain that column). Every engine table
 * holding one contact's rows is keyed by `contact_id`: events, journeys, journey_log (which gains the column,
 * backfilled from its journey), messages, trigger_inbox and contact_topics (already). Nothing here calls Citus: on
 * plain PostgreSQL these are ordinary keys, and `scripts/citus/distribute.sql` distributes the tables.
 *
 * - Primary keys are `(id, contact_id)`, id first: the lookups by id (a journey's update, a message's receipt, the
 *   newest events read backwards by id) keep their index, and no index is added.
 * - The unique keys the ingest and the outbox rely on include the contact: a Segment `messageId` is unique per
 *   contact (a retried call names the same user), an idempotency key per contact (it names a journey's step, and a
 *   journey belongs to one contact). Their ON CONFLICT targets say so.
 * - Messages and log rows reference their journey by `(contact_id, journey_id)`, ON UPDATE CASCADE: a contact merge
 *   moves a journey, and its messages and log rows follow (the append-only guard lets a row change its contact and
 *   nothing else).
 * - `boomerang_contact_bucket(contact_id)`: the group a claim locks in one statement (engine/src/runtime/store/buckets.ts);
 *   one group for everyone here, the contact's shard once scripts/citus/distribute.sql replaces it.
 * - `contacts.external_id` stays unique here; on Citus that key cannot be enforced across shards (see docs/SCALING.md).
 *
 * The backfill rewrites journey_log once (one UPDATE joined to journeys).
 */
export class ContactKeyedSchema1796860000000 implements MigrationInterface {
  name = 'ContactKeyedSchema1796860000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(appendOnlyGuard(true));
    await q.query(`ALTER TABLE journey_log ADD COLUMN contact_id bigint`);
    await q.query(`UPDATE journey_log l SET contact_id = j.contact_id FROM journeys j WHERE j.id = l.journey_id`);
    await q.query(`ALTER TABLE journey_log ALTER COLUMN contact_id SET NOT NULL`);

    await q.query(`ALTER TABLE messages DROP CONSTRAINT messages_journey_id_fkey`);
    await q.query(`ALTER TABLE journey_log DROP CONSTRAINT journey_log_journey_id_fkey`);
    for (const table of contactKeyed) {
      await q.query(`ALTER TABLE ${table} DROP CONSTRAINT ${table}_pkey, ADD PRIMARY KEY (id, contact_id)`);
    }
    for (const table of ['messages', 'journey_log']) {
      await q.query(
        `ALTER TABLE ${table} ADD CONSTRAINT ${table}_journey_fkey FOREIGN KEY (contact_id, journey_id)
           REFERENCES journeys (contact_id, id) ON DELETE CASCADE ON UPDATE CASCADE`,
      );
    }

    await q.query(`ALTER TABLE messages DROP CONSTRAINT messages_idempotency_key_key`);
    await q.query(`ALTER TABLE messages ADD CONSTRAINT messages_idempotency_key_key UNIQUE (idempotency_key, contact_id)`);
    await q.query(`DROP INDEX events_message_id_key`);
    await q.query(`CREATE UNIQUE INDEX events_message_id_key ON events (message_id, contact_id) WHERE message_id IS NOT NULL`);
    await q.query(`
      CREATE FUNCTION boomerang_contact_bucket(contact_id bigint) RETURNS bigint
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT 0::bigint $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION boomerang_contact_bucket(bigint)`);
    await q.query(`DROP INDEX events_message_id_key`);
    await q.query(`CREATE UNIQUE INDEX events_message_id_key ON events (message_id) WHERE message_id IS NOT NULL`);
    await q.query(`ALTER TABLE messages DROP CONSTRAINT messages_idempotency_key_key`);
    await q.query(`ALTER TABLE messages ADD CONSTRAINT messages_idempotency_key_key UNIQUE (idempotency_key)`);

    await q.query(`ALTER TABLE journey_log DROP CONSTRAINT journey_log_journey_fkey`);
    await q.query(`ALTER TABLE messages DROP CONSTRAINT messages_journey_fkey`);
    for (const table of contactKeyed) {
      await q.query(`ALTER TABLE ${table} DROP CONSTRAINT ${table}_pkey, ADD PRIMARY KEY (id)`);
    }
    await q.query(
      `ALTER TABLE journey_log ADD CONSTRAINT journey_log_journey_id_fkey FOREIGN KEY (journey_id) REFERENCES journeys(id) ON DELETE CASCADE`,
    );
    await q.query(
      `ALTER TABLE messages ADD CONSTRAINT messages_journey_id_fkey FOREIGN KEY (journey_id) REFERENCES journeys(id) ON DELETE CASCADE`,
    );

    await q.query(`ALTER TABLE journey_log DROP COLUMN contact_id`);
    await q.query(appendOnlyGuard(false));
  }
}
