import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

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
   * timezone when given), the others inserted. Rows must have distinct external ids.
   */
  async upsert(rows: ContactUpsert[], now: Date): Promise<void> {
    await this.dataSource.query(
      `WITH input AS (
         SELECT * FROM jsonb_to_recordset($1::jsonb)
           AS x(external_id text, attributes jsonb, unset text[], consent jsonb, timezone text)),
       updated AS (
         UPDATE contacts c SET
           attributes = (c.attributes || i.attributes) - i.unset,
           consent = c.consent || i.consent,
           timezone = coalesce(i.timezone, c.timezone),
           updated_at = $2
         FROM input i WHERE c.external_id = i.external_id
         RETURNING c.external_id)
       INSERT INTO contacts (external_id, attributes, consent, timezone, created_at, updated_at)
       SELECT i.external_id, i.attributes, i.consent, coalesce(i.timezone, 'UTC'), $2, $2 FROM input i
        WHERE i.external_id NOT IN (SELECT external_id FROM updated)
       ON CONFLICT (external_id) DO UPDATE SET
         attributes = contacts.attributes || EXCLUDED.attributes,
         consent = contacts.consent || EXCLUDED.consent,
         timezone = EXCLUDED.timezone,
         updated_at = $2`,
      [JSON.stringify(rows), now],
    );
  }

  async findByExternalId(externalId: string): Promise<ContactRow | null> {
    const rows: ContactRow[] = await this.dataSource.query(`SELECT * FROM contacts WHERE external_id = $1`, [externalId]);
    return rows[0] ?? null;
  }
}
