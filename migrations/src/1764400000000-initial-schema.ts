import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The whole data model of the first release. Hand-written SQL so that every index is deliberate:
 * the engine's hot paths (due journeys, event counts, frequency caps, outbox) each have one.
 */
export class InitialSchema1764400000000 implements MigrationInterface {
  name = 'InitialSchema1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE workspace_settings (
        id smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
        settings jsonb NOT NULL DEFAULT '{}'::jsonb,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // The virtual clock is shared by every process so that `POST /api/clock/advance` is seen by all engines.
    await q.query(`
      CREATE TABLE engine_clock (
        id smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
        now timestamptz NOT NULL
      )`);

    await q.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email text NOT NULL,
        password_hash text NOT NULL,
        role text NOT NULL CHECK (role IN ('admin', 'editor', 'viewer')),
        created_at timestamptz NOT NULL DEFAULT now(),
        disabled_at timestamptz
      )`);
    await q.query(`CREATE UNIQUE INDEX users_email_key ON users (lower(email))`);
    await q.query(`
      CREATE TABLE sessions (
        token_hash text PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX sessions_user_idx ON sessions (user_id)`);
    await q.query(`
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        prefix text NOT NULL,
        key_hash text NOT NULL UNIQUE,
        scopes text[] NOT NULL CHECK (scopes <@ ARRAY['admin', 'ingest']::text[] AND cardinality(scopes) > 0),
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz,
        revoked_at timestamptz
      )`);

    await q.query(`
      CREATE TABLE flows (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'active', 'paused', 'archived')),
        current_version integer NOT NULL DEFAULT 1,
        live_version integer,
        settings jsonb NOT NULL DEFAULT '{}'::jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        activated_at timestamptz,
        last_enrolled_at timestamptz
      )`);
    await q.query(`CREATE INDEX flows_status_idx ON flows (status)`);
    await q.query(`
      CREATE TABLE flow_versions (
        flow_id uuid NOT NULL REFERENCES flows(id) ON DELETE CASCADE,
        version integer NOT NULL CHECK (version > 0),
        graph jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        frozen_at timestamptz,
        PRIMARY KEY (flow_id, version)
      )`);
    // A version is immutable once activated: the database itself refuses to change a frozen graph.
    await q.query(`
      CREATE FUNCTION flow_versions_frozen_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF OLD.frozen_at IS NOT NULL AND NEW.graph IS DISTINCT FROM OLD.graph THEN
          RAISE EXCEPTION 'flow % version % is frozen', OLD.flow_id, OLD.version USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE TRIGGER flow_versions_frozen BEFORE UPDATE ON flow_versions
      FOR EACH ROW EXECUTE FUNCTION flow_versions_frozen_guard()`);

    await q.query(`
      CREATE TABLE contacts (
        id bigserial PRIMARY KEY,
        external_id text NOT NULL UNIQUE CHECK (length(external_id) BETWEEN 1 AND 200),
        attributes jsonb NOT NULL DEFAULT '{}'::jsonb,
        consent jsonb NOT NULL DEFAULT '{}'::jsonb,
        timezone text NOT NULL DEFAULT 'UTC',
        last_active_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // "inactive for N days" enrollment scans this; contacts never active sort first.
    await q.query(`CREATE INDEX contacts_last_active_idx ON contacts (last_active_at NULLS FIRST)`);

    await q.query(`
      CREATE TABLE events (
        id bigserial PRIMARY KEY,
        contact_id bigint NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        occurred_at timestamptz NOT NULL,
        properties jsonb NOT NULL DEFAULT '{}'::jsonb,
        is_activity boolean NOT NULL DEFAULT true,
        received_at timestamptz NOT NULL DEFAULT now()
      )`);
    // "count of event X for contact C since T" and the facts loader's per-contact window.
    await q.query(`CREATE INDEX events_contact_name_time_idx ON events (contact_id, name, occurred_at)`);
    await q.query(`CREATE INDEX events_contact_time_idx ON events (contact_id, occurred_at)`);
    // event-triggered enrollment: "which contacts did X since the flow was activated"
    await q.query(`CREATE INDEX events_name_time_idx ON events (name, occurred_at)`);

    await q.query(`
      CREATE TABLE journeys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        flow_id uuid NOT NULL REFERENCES flows(id) ON DELETE CASCADE,
        flow_version integer NOT NULL,
        contact_id bigint NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
        state text NOT NULL CHECK (state IN ('waiting', 'running', 'completed', 'converted', 'exited', 'failed')),
        current_node_id text NOT NULL,
        next_run_at timestamptz,
        wait jsonb,
        step_seq integer NOT NULL DEFAULT 0,
        holdout boolean NOT NULL DEFAULT false,
        context jsonb NOT NULL DEFAULT '{}'::jsonb,
        entered_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        ended_at timestamptz,
        FOREIGN KEY (flow_id, flow_version) REFERENCES flow_versions(flow_id, version)
      )`);
    // "due waiting journeys" is an index scan over this partial index and nothing else.
    await q.query(`CREATE INDEX journeys_due_idx ON journeys (next_run_at) WHERE state = 'waiting'`);
    // At most one live journey per contact and flow.
    await q.query(
      `CREATE UNIQUE INDEX journeys_live_contact_flow_key ON journeys (flow_id, contact_id) WHERE state IN ('waiting', 'running')`,
    );
    await q.query(`CREATE INDEX journeys_contact_idx ON journeys (contact_id, entered_at)`);
    await q.query(`CREATE INDEX journeys_flow_state_idx ON journeys (flow_id, state, current_node_id)`);

    await q.query(`
      CREATE TABLE journey_log (
        id bigserial PRIMARY KEY,
        journey_id uuid NOT NULL REFERENCES journeys(id) ON DELETE CASCADE,
        at timestamptz NOT NULL,
        node_id text NOT NULL,
        kind text NOT NULL,
        detail jsonb NOT NULL DEFAULT '{}'::jsonb
      )`);
    await q.query(`CREATE INDEX journey_log_journey_idx ON journey_log (journey_id, id)`);
    // Append-only: the audit answers "why did this user get this?", so history cannot be rewritten.
    await q.query(`
      CREATE FUNCTION journey_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'journey_log is append-only' USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`
      CREATE TRIGGER journey_log_no_update BEFORE UPDATE ON journey_log
      FOR EACH ROW EXECUTE FUNCTION journey_log_append_only()`);

    await q.query(`
      CREATE TABLE messages (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        idempotency_key text NOT NULL UNIQUE,
        journey_id uuid NOT NULL REFERENCES journeys(id) ON DELETE CASCADE,
        flow_id uuid NOT NULL REFERENCES flows(id) ON DELETE CASCADE,
        flow_version integer NOT NULL,
        contact_id bigint NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
        node_id text NOT NULL,
        channel text NOT NULL CHECK (channel IN ('email', 'push', 'sms', 'webhook')),
        status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'delivered', 'failed')),
        content jsonb NOT NULL,
        cost_cents integer NOT NULL DEFAULT 0 CHECK (cost_cents >= 0),
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz,
        last_error text,
        provider_id text,
        created_at timestamptz NOT NULL,
        sent_at timestamptz,
        delivered_at timestamptz,
        failed_at timestamptz,
        opened_at timestamptz,
        clicked_at timestamptz,
        unsubscribed_at timestamptz
      )`);
    // the dispatcher's outbox scan
    await q.query(`CREATE INDEX messages_outbox_idx ON messages (next_attempt_at) WHERE status = 'queued'`);
    // frequency caps across all flows and the sandbox inbox per contact
    await q.query(`CREATE INDEX messages_contact_time_idx ON messages (contact_id, created_at)`);
    await q.query(`CREATE INDEX messages_flow_idx ON messages (flow_id, node_id)`);
    await q.query(`CREATE INDEX messages_journey_idx ON messages (journey_id)`);

    await q.query(`
      CREATE TABLE audit_log (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        actor text NOT NULL,
        action text NOT NULL,
        entity_type text NOT NULL,
        entity_id text,
        detail jsonb NOT NULL DEFAULT '{}'::jsonb
      )`);
    await q.query(`CREATE INDEX audit_log_entity_idx ON audit_log (entity_type, entity_id, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'audit_log',
      'messages',
      'journey_log',
      'journeys',
      'events',
      'contacts',
      'flow_versions',
      'flows',
      'api_keys',
      'sessions',
      'users',
      'engine_clock',
      'workspace_settings',
    ]) {
      await q.query(`DROP TABLE IF EXISTS ${table} CASCADE`);
    }
    await q.query(`DROP FUNCTION IF EXISTS journey_log_append_only()`);
    await q.query(`DROP FUNCTION IF EXISTS flow_versions_frozen_guard()`);
  }
}
