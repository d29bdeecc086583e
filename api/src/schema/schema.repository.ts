import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface AttributeKeyRow {
  key: string;
  type: string;
  contacts: number;
  samples: unknown[];
}

export interface EventNameRow {
  name: string;
  count: number;
  last_at: Date;
}

/**
 * What the workspace has actually ingested, for the editor's suggestions. Both queries read a bounded sample (the
 * most recently updated contacts, the most recent events) so the answer stays fast on a million-row workspace.
 */
@Injectable()
export class SchemaRepository {
  constructor(private readonly dataSource: DataSource) {}

  attributeKeys(sample: number): Promise<AttributeKeyRow[]> {
    return this.dataSource.query(
      `WITH recent AS (SELECT attributes FROM contacts ORDER BY updated_at DESC LIMIT $1),
            pairs AS (SELECT kv.key, jsonb_typeof(kv.value) AS type, kv.value FROM recent, jsonb_each(recent.attributes) kv)
       SELECT key, type, count(*)::int AS contacts,
              (array_agg(DISTINCT value) FILTER (WHERE type IN ('string', 'number', 'boolean')))[1:5] AS samples
         FROM pairs GROUP BY key, type ORDER BY count(*) DESC, key LIMIT 500`,
      [sample],
    );
  }

  eventNames(sample: number): Promise<EventNameRow[]> {
    return this.dataSource.query(
      `SELECT name, count(*)::int AS count, max(occurred_at) AS last_at
         FROM (SELECT name, occurred_at FROM events ORDER BY id DESC LIMIT $1) recent
        GROUP BY name ORDER BY count(*) DESC, name LIMIT 500`,
      [sample],
    );
  }
}
