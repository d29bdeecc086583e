-- Distributes Boomerang's schema on a Citus coordinator, after the migrations ran there exactly as on plain
-- PostgreSQL (scripts/citus/run.ts). The migrations never call Citus; this file is the only Citus-specific DDL.
--
-- Per-contact tables are hash-distributed by their contact and co-located with `contacts` (a contact's events,
-- journeys, log, messages, inbox rows and topic choices share one shard group: every join and foreign key between
-- them stays on one node). Everything else is small, read by every statement, and becomes a reference table (a copy
-- on every node).

-- Citus enforces unique keys per shard only, so a key must contain the distribution column; contacts.external_id
-- cannot be unique across shards. An external id's uniqueness is contact_external_ids' primary key instead (that
-- table is distributed by external_id below); contacts.external_id keeps a plain index for readers searching by it.
-- The plain-PostgreSQL triggers that claim ids for direct inserts are dropped: Citus runs no triggers on distributed
-- tables by default, and the writers claim their ids themselves (migration 1796910000000).
ALTER TABLE contacts DROP CONSTRAINT contacts_external_id_key;
CREATE INDEX contacts_external_id_idx ON contacts (external_id);
DROP TRIGGER contacts_claim_external_id ON contacts;
DROP TRIGGER contacts_claim_renamed_external_id ON contacts;
ALTER TABLE contact_external_ids DROP CONSTRAINT contact_external_ids_contact_id_fkey;

-- Citus refuses ON UPDATE CASCADE on a foreign key that contains the distribution column (a contact merge moves a
-- journey's rows on plain PostgreSQL; on Citus the distribution column never changes).
ALTER TABLE messages DROP CONSTRAINT messages_journey_fkey,
  ADD CONSTRAINT messages_journey_fkey FOREIGN KEY (contact_id, journey_id) REFERENCES journeys (contact_id, id) ON DELETE CASCADE;
ALTER TABLE journey_log DROP CONSTRAINT journey_log_journey_fkey,
  ADD CONSTRAINT journey_log_journey_fkey FOREIGN KEY (contact_id, journey_id) REFERENCES journeys (contact_id, id) ON DELETE CASCADE;

-- Citus distributes a table only when no local table references it, and makes a table referenced by local tables a
-- reference table only by converting those to Citus local tables (which it refuses for the partitioned journey_log:
-- "child table is missing constraint"). So every foreign key of the per-contact tables is set aside (the parent's
-- only: a partition's copies go with it), the tables distributed, and the same keys put back (now between
-- co-located shards, or to a reference table).
CREATE TEMP TABLE contact_keyed_fkeys AS
SELECT c.conrelid::regclass::text AS tab, c.conname AS name, pg_get_constraintdef(c.oid) AS def
  FROM pg_constraint c
 WHERE c.contype = 'f' AND c.conparentid = 0
   AND c.conrelid = ANY (ARRAY['events', 'journeys', 'journey_log', 'messages', 'trigger_inbox', 'contact_topics']::regclass[]);
DO $$
DECLARE k record;
BEGIN
  FOR k IN SELECT * FROM contact_keyed_fkeys LOOP
    EXECUTE format('ALTER TABLE %I DROP CONSTRAINT %I', k.tab, k.name);
  END LOOP;
END $$;

SELECT create_reference_table(t) FROM unnest(ARRAY[
  'workspace_settings', 'engine_clock', 'users', 'sessions', 'api_keys', 'flows', 'flow_versions', 'audit_log',
  'demo_workspace', 'engine_processes', 'pending_receipts', 'zone_active_hours', 'send_rate_limits', 'topics', 'link_keys'
]) AS t;

SELECT create_distributed_table('contacts', 'id');
-- by the id itself, so the claim's ON CONFLICT (external_id) and each lookup go to one shard; not co-located with
-- contacts (a text key), hence no foreign key: a merge repoints the rows before deleting a contact
SELECT create_distributed_table('contact_external_ids', 'external_id');
SELECT create_distributed_table(t, 'contact_id', colocate_with => 'contacts') FROM unnest(ARRAY[
  'events', 'journeys', 'journey_log', 'messages', 'trigger_inbox', 'contact_topics'
]) AS t;

DO $$
DECLARE k record;
BEGIN
  FOR k IN SELECT * FROM contact_keyed_fkeys ORDER BY tab = 'journeys' DESC LOOP
    EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I %s', k.tab, k.name, k.def);
  END LOOP;
END $$;

-- The engine's claims by contact bucket (engine/src/runtime/store/buckets.ts, Engine option claimByBucket) lock one
-- bucket per statement: here a bucket is the contact's shard, so each locking statement is routed to one shard.
CREATE OR REPLACE FUNCTION boomerang_contact_bucket(contact_id bigint) RETURNS bigint
LANGUAGE sql STABLE PARALLEL SAFE AS $$ SELECT get_shard_id_for_distribution_column('contacts', contact_id) $$;
