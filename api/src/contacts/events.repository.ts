import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface EventInsert {
  /** the item's index in the request */
  i: number;
  e: string;
  n: string;
  /** ISO instant */
  t: string;
  p: Record<string, unknown>;
}

@Injectable()
export class EventsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Stores a batch in one transaction and returns the indexes whose contact does not exist (not stored):
   * (1) with `createContacts`, the missing contacts are created (one statement);
   * (2) one statement inserts the events, moves `last_active_at` forward for activity events (greatest), and wakes
   * the contacts' waiting journeys (`next_run_at = now`) so the engine re-checks goals and waitFor at its next tick.
   */
  async ingest(rows: EventInsert[], opts: { createContacts: boolean; nonActivity: string[]; now: Date }): Promise<number[]> {
    const json = JSON.stringify(rows);
    return retryOnDeadlock(() => this.dataSource.transaction(async (db) => {
      if (opts.createContacts) {
        await db.query(
          `INSERT INTO contacts (external_id)
           SELECT DISTINCT x.e FROM jsonb_to_recordset($1::jsonb) AS x(e text) ORDER BY 1
           ON CONFLICT (external_id) DO NOTHING`,
          [json],
        );
      }
      const missing: { i: number }[] = await db.query(
        `WITH input AS (
           SELECT x.i, x.n, x.t, x.p, c.id AS contact_id
             FROM jsonb_to_recordset($1::jsonb) AS x(i int, e text, n text, t timestamptz, p jsonb)
             LEFT JOIN contacts c ON c.external_id = x.e),
         stored AS (
           INSERT INTO events (contact_id, name, occurred_at, properties, is_activity)
           SELECT contact_id, n, t, p, NOT (n = ANY($2::text[])) FROM input WHERE contact_id IS NOT NULL ORDER BY i
           RETURNING contact_id, occurred_at, is_activity),
         active AS (
           UPDATE contacts c SET last_active_at = greatest(c.last_active_at, a.at)
             FROM (SELECT contact_id, max(occurred_at) AS at FROM stored WHERE is_activity GROUP BY contact_id) a
            WHERE c.id = a.contact_id AND (c.last_active_at IS NULL OR c.last_active_at < a.at)
            RETURNING 1),
         woken AS (
           UPDATE journeys SET next_run_at = $3
            WHERE state = 'waiting' AND contact_id IN (SELECT contact_id FROM stored) AND next_run_at > $3
            RETURNING 1)
         -- (data-modifying CTEs run to completion whether or not the final SELECT reads them)
         SELECT i FROM input WHERE contact_id IS NULL`,
        [json, opts.nonActivity, opts.now],
      );
      return missing.map((row) => row.i);
    }));
  }
}

/**
 * Two concurrent batches touching the same contacts in different orders can deadlock on the last_active_at or journey
 * updates; PostgreSQL aborts one, which is safe to run again (the whole batch rolled back).
 */
async function retryOnDeadlock<T>(work: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (attempt >= attempts || (code !== '40P01' && code !== '40001')) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20 * attempt));
    }
  }
}
