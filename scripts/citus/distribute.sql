-- Distributes Boomerang's schema on a Citus coordinator, after the migrations ran there exactly as on plain
-- PostgreSQL (scripts/citus/run.ts). The migrations never call Citus; this file is the only Citus-specific DDL.
--
-- Per-contact tables are hash-distributed by their contact and co-located with `contacts` (a contact's events,
-- journeys, log, messages, inbox rows and topic choices share one shard group: every join and foreign key between
-- them stays on one node). Everything else is small, read by every statement, and becomes a reference table (a copy
-- on every node).

-- run.ts sends this file as one statement string, one transaction: a foreign key to a reference table needs one
-- connection per node for the whole transaction, so every step runs that way (the tables are empty)
SET citus.multi_shard_modify_mode TO 'sequential';

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


-- Citus distributes a table only when no local table references it, and a foreign key from a local table to a new
-- reference table turns the local tables of its graph into Citus local tables first (a conversion that fails on the
-- partitioned journey log). So every foreign key is set aside, the tables made reference or distributed tables, and
-- the same keys put back (now between co-located shards, or to reference tables). A partitioned table's key only:
-- its partitions' copies go and come back with it.
CREATE TEMP TABLE set_aside_fkeys AS
SELECT c.conrelid::regclass::text AS tab, c.confrelid::regclass::text AS referenced, c.conname AS name,
       pg_get_constraintdef(c.oid) AS def
  FROM pg_constraint c
 WHERE c.contype = 'f' AND c.conparentid = 0 AND c.connamespace = 'public'::regnamespace;
DO $$
DECLARE k record;
BEGIN
  FOR k IN SELECT * FROM set_aside_fkeys LOOP
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
  'events', 'event_message_ids', 'journeys', 'journey_log', 'messages', 'message_keys', 'trigger_inbox', 'contact_topics'
]) AS t;

DO $$
DECLARE k record;
BEGIN
  -- not contact_redirects' key to contacts: a reference table cannot reference a distributed one (on Citus the
  -- redirect's contact is not checked)
  FOR k IN SELECT * FROM set_aside_fkeys
            WHERE NOT (tab::regclass IN (SELECT logicalrelid FROM pg_dist_partition WHERE partmethod = 'n')
                       AND referenced::regclass IN (SELECT logicalrelid FROM pg_dist_partition WHERE partmethod = 'h'))
            ORDER BY tab = 'journeys' DESC LOOP
    EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I %s', k.tab, k.name, k.def);
  END LOOP;
END $$;
RESET citus.multi_shard_modify_mode;

-- The engine's claims by contact bucket (engine/src/runtime/store/buckets.ts, Engine option claimByBucket) lock one
-- bucket per statement: here a bucket is the contact's shard, so each locking statement is routed to one shard.
CREATE OR REPLACE FUNCTION boomerang_contact_bucket(contact_id bigint) RETURNS bigint
LANGUAGE sql STABLE PARALLEL SAFE AS $$ SELECT get_shard_id_for_distribution_column('contacts', contact_id) $$;
