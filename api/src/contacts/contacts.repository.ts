import { managerWithTimeout } from '../common/statement-timeout';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { retryOnDeadlock } from '@boomerang/engine/runtime';

export interface ContactUpsert {
  external_id: string;
  /** keys to set (nulls already taken out) */
  attributes: Record<string, unknown>;
  /** keys to remove (given as null) */
  unset: string[];
  consent: Record<string, boolean>;
  timezone: string | null;
}

export interface ContactRow {
  id: string;
  external_id: string;
  attributes: Record<string, unknown>;
  consent: Record<string, boolean>;
  timezone: string;
  last_active_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

@Injectable()
export class ContactsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * One statement for the whole batch: existing contacts are merged (attributes || new − removed keys, consent || new,
   * timezone when given), the others inserted. Rows must have distinct external ids. Ids resolve through
   * `contact_external_ids`, as in the ingest statement (engine/src/runtime/store/events.ts): an id merged away
   * updates the contact it leads to, and a new one is claimed there before its contact is created; a claim lost to
   * a concurrent writer returns the winner's contact, merged into by ON CONFLICT (id) (removed keys and an omitted
   * timezone are not told apart there: that writer's row wins them).
   */
  async upsert(rows: ContactUpsert[], now: Date): Promise<void> {
    // a deadlock with an ingest statement or another upsert naming the same contacts aborts the whole statement: run
    // again (on Citus each shard's rows are locked on their own connection, in no order across shards; the
    // cluster's upsert-racing-ingest spec met one run in two)
    await retryOnDeadlock(() => this.upsertOnce(rows, now));
  }

  private async upsertOnce(rows: ContactUpsert[], now: Date): Promise<void> {
    await this.dataSource.query(
      `WITH input AS (
         SELECT * FROM jsonb_to_recordset($1::jsonb)
           AS x(external_id text, attributes jsonb, unset text[], consent jsonb, timezone text)),
       known AS (
         SELECT external_id, contact_id FROM contact_external_ids WHERE external_id = ANY ($3::text[])),
       updated AS (
         UPDATE contacts c SET
           attributes = (c.attributes || i.attributes) - i.unset,
           consent = c.consent || i.consent,
           timezone = coalesce(i.timezone, c.timezone),
           updated_at = $2
         FROM input i JOIN known k ON k.external_id = i.external_id WHERE c.id = k.contact_id
         RETURNING c.id),
       wanted AS (
         SELECT i.*, nextval('contacts_id_seq') AS id FROM input i
          WHERE i.external_id NOT IN (SELECT external_id FROM known)),
       claimed AS (
         INSERT INTO contact_external_ids (external_id, contact_id)
         -- one order for every writer; the collation named for Citus, as in the ingest statement
         SELECT external_id, id FROM wanted ORDER BY external_id COLLATE "C"
         ON CONFLICT (external_id) DO UPDATE SET contact_id = contact_external_ids.contact_id
         RETURNING external_id, contact_id)
       -- each claimed id's row read by key from $4, not joined to wanted: the planner, blind to the sizes of these
       -- CTEs, nested-looped them (as in the ingest statement)
       INSERT INTO contacts (id, external_id, attributes, consent, timezone, created_at, updated_at)
       SELECT c.contact_id, c.external_id, r.attributes, r.consent, coalesce(r.timezone, 'UTC'), $2, $2
         FROM claimed c, jsonb_to_record($4::jsonb -> c.external_id) AS r(attributes jsonb, consent jsonb, timezone text)
        ORDER BY c.contact_id
       ON CONFLICT (id) DO UPDATE SET
         attributes = contacts.attributes || EXCLUDED.attributes,
         consent = contacts.consent || EXCLUDED.consent,
         timezone = EXCLUDED.timezone,
         -- (EXCLUDED's, not $2: Citus ships the DO UPDATE to the shards with the statement's parameters, and a worker
         -- cannot type the ones its part does not use)
         updated_at = EXCLUDED.updated_at`,
      [
        JSON.stringify(rows),
        now,
        rows.map((row) => row.external_id),
        JSON.stringify(Object.fromEntries(rows.map((row) => [row.external_id, row]))),
      ],
    );
  }

  async findByExternalId(externalId: string): Promise<ContactRow | null> {
    const rows: ContactRow[] = await this.dataSource.query(`SELECT * FROM contacts WHERE external_id = $1`, [externalId]);
    return rows[0] ?? null;
  }

  /**
   * Contacts newest first, by id (the cursor is the last id). `key=value` compares one attribute as text; anything
   * else matches the start of the externalId or e-mail (case-insensitive) or the digits of the phone number.
   * `personal: false` (viewers, who see addresses masked) searches no e-mail or phone: a prefix search would spell
   * out a masked address one character at a time (issue 20).
   */
  list(filter: { q?: string; before?: number; limit: number; personal: boolean; timeoutMs: number }): Promise<ContactRow[]> {
    const q = filter.q ?? '';
    const eq = /^([^=\s]{1,100})\s*=\s*(.*)$/.exec(q);
    const addressKey = eq !== null && /email|phone/i.test(eq[1]);
    const digits = q.replace(/\D/g, '');
    const like = q.replace(/[\\%_]/g, (c) => `\\${c}`) + '%';
    // a search is shaped by the caller: bounded (common/statement-timeout.ts)
    return managerWithTimeout(this.dataSource, filter.timeoutMs, (db) =>
      db.query(
        `SELECT * FROM contacts
        WHERE ($1::bigint IS NULL OR id < $1)
          AND CASE
            WHEN $2::text IS NOT NULL THEN ($8::boolean OR NOT $9::boolean) AND attributes ->> $2 = $3
            WHEN $4::text = '' THEN true
            ELSE external_id ILIKE $5 OR ($8::boolean AND attributes ->> 'email' ILIKE $5)
              OR ($8::boolean AND $6::text <> '' AND length($6::text) >= 3 AND regexp_replace(coalesce(attributes ->> 'phone', ''), '\\D', '', 'g') LIKE '%' || $6 || '%')
          END
        ORDER BY id DESC LIMIT $7`,
        [filter.before ?? null, eq ? eq[1] : null, eq ? eq[2] : null, q, like, digits, filter.limit + 1, filter.personal, addressKey],
      ),
    );
  }

  /** One contact's events, newest first (the cursor is the last id). */
  events(contactId: string, filter: { before?: number; limit: number }): Promise<ContactEventRow[]> {
    return this.dataSource.query(
      `SELECT id, name, occurred_at, received_at, is_activity, properties FROM events
        WHERE contact_id = $1 AND ($2::bigint IS NULL OR id < $2) ORDER BY id DESC LIMIT $3`,
      [contactId, filter.before ?? null, filter.limit + 1],
    );
  }
}

export interface ContactEventRow {
  id: string;
  name: string;
  occurred_at: Date;
  received_at: Date;
  is_activity: boolean;
  properties: Record<string, unknown>;
}
