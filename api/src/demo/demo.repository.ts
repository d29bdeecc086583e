import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Pool, PoolClient } from 'pg';
import type { FlowGraphDocument } from '@boomerang/engine';
import { inTransaction, recordClick } from '@boomerang/engine/runtime';
import { poolOf } from '../engine/engine.module';
import type { DemoContact } from './demo-data';

/** The demo seeder's SQL: emptiness check, bulk contacts, flows as activation leaves them, the demo marker. */
@Injectable()
export class DemoRepository {
  // the engine's pool: the seed stores events through the engine's ingest statement in the same transaction
  private readonly db: Pool;

  constructor(dataSource: DataSource) {
    this.db = poolOf(dataSource);
  }

  transaction<T>(work: (tx: PoolClient) => Promise<T>): Promise<T> {
    return inTransaction(this.db, work);
  }

  /** Serializes seeders of several processes starting on one empty database (released at transaction end). */
  async lock(db: PoolClient): Promise<void> {
    await db.query(`SELECT pg_advisory_xact_lock(hashtext('boomerang.demo.seed'))`);
  }

  /** Empty = no contact, no event, no flow and never seeded: the only database the demo may write into. */
  async isEmpty(db: Pick<Pool, 'query'> = this.db): Promise<boolean> {
    const {
      rows: [row],
    } = await db.query<{ empty: boolean }>(
      `SELECT NOT EXISTS (SELECT 1 FROM contacts) AND NOT EXISTS (SELECT 1 FROM events)
          AND NOT EXISTS (SELECT 1 FROM flows) AND NOT EXISTS (SELECT 1 FROM demo_workspace) AS empty`,
    );
    return row.empty === true;
  }

  async isDemoWorkspace(): Promise<boolean> {
    const { rows } = await this.db.query(`SELECT 1 FROM demo_workspace WHERE id = 1`);
    return rows.length > 0;
  }

  async insertContacts(db: PoolClient, contacts: DemoContact[], now: Date): Promise<void> {
    const json = JSON.stringify(
      contacts.map((c) => ({ e: c.externalId, a: c.attributes, c: c.consent, z: c.timezone, t: c.createdAt.toISOString() })),
    );
    await db.query(
      `INSERT INTO contacts (external_id, attributes, consent, timezone, created_at, updated_at)
       SELECT x.e, x.a, x.c, x.z, x.t, $2 FROM jsonb_to_recordset($1::jsonb) AS x(e text, a jsonb, c jsonb, z text, t timestamptz)`,
      [json, now],
    );
  }

  /** A flow with one frozen version, live and active (what `POST /api/flows` + `activate` leave behind). */
  async insertActiveFlow(db: PoolClient, name: string, graph: FlowGraphDocument, holdoutPercent: number, now: Date): Promise<string> {
    const {
      rows: [flow],
    } = await db.query<{ id: string }>(
      `INSERT INTO flows (name, status, current_version, live_version, settings, created_at, updated_at, activated_at)
       VALUES ($1, 'active', 1, 1, $2, $3, $3, $3) RETURNING id`,
      [name, JSON.stringify({ holdoutPercent }), now],
    );
    await db.query(`INSERT INTO flow_versions (flow_id, version, graph, created_at, frozen_at) VALUES ($1, 1, $2, $3, $3)`, [
      flow.id,
      JSON.stringify(graph),
      now,
    ]);
    await db.query(
      `INSERT INTO audit_log (at, actor, action, entity_type, entity_id, detail) VALUES ($1, 'demo', 'flow.activated', 'flow', $2, $3)`,
      [now, flow.id, JSON.stringify({ version: 1, seeded: true })],
    );
    return flow.id;
  }

  async markDemo(db: PoolClient, seed: number, now: Date, contacts: number, events: number): Promise<void> {
    await db.query(`INSERT INTO demo_workspace (id, seed, seeded_at, contacts, events) VALUES (1, $1, $2, $3, $4)`, [
      seed,
      now,
      contacts,
      events,
    ]);
  }

  /** Random demo contacts for the traffic generator (a handful per round). */
  async sampleContacts(limit: number): Promise<{ external_id: string; attributes: Record<string, unknown> }[]> {
    const { rows } = await this.db.query(`SELECT external_id, attributes FROM contacts ORDER BY random() LIMIT $1`, [limit]);
    return rows;
  }

  /**
   * Demo contacts who tap their link: a fixed share of the messages sent with a tracked link (chosen by a hash of the
   * message id, so the share holds however often rounds run) are clicked once they have been out `afterMinutes`.
   * Clicks go through the engine's store (`recordClick`), as `/t/c/:id` does.
   */
  async clickSomeMessages(now: Date, percent: number, afterMinutes: number, limit: number): Promise<string[]> {
    const { rows } = await this.db.query<{ id: string; external_id: string }>(
      `SELECT m.id, c.external_id FROM messages m JOIN contacts c ON c.id = m.contact_id
        WHERE m.sent_at IS NOT NULL AND m.clicked_at IS NULL AND (m.content ? 'url' OR m.content::text LIKE '%/t/c/%')
          AND m.sent_at BETWEEN $1::timestamptz - interval '3 days' AND $1::timestamptz - make_interval(mins => $3)
          AND ((('x' || left(md5(m.id::text), 8))::bit(32)::int & 2147483647) % 100) < $2
        ORDER BY m.sent_at LIMIT $4`,
      [now, percent, afterMinutes, limit],
    );
    for (const m of rows) await recordClick(this.db, m.id, now);
    return rows.map((m) => m.external_id);
  }
}
