/**
 * The simulator's SQL, all on one connection inside a transaction that is always rolled back: a throw-away schema
 * (`sim_<random>`) holding copies of the engine's tables, first on the search_path, so the real engine code runs
 * unchanged against the copies and never reads or writes a real journey, message or event.
 */
import { randomBytes } from 'node:crypto';
import type { PoolClient } from 'pg';
import { convertedAfterMessageSql, markClicked, messageCounts as mc } from '@boomerang/engine/runtime';

/** Engine tables copied (structure with indexes and checks) into the throw-away schema. */
const TABLES = [
  'workspace_settings',
  'engine_clock',
  'flows',
  'flow_versions',
  'contacts',
  'events',
  // the ingest statement writes message-id keys: a simulation's must never reach the real table
  'event_message_ids',
  'journeys',
  'journey_log',
  'messages',
  // the outbox writes idempotency keys there first: a simulation's must never reach the real table
  'message_keys',
  'trigger_inbox',
];
/** Their bigserial columns: the copies get sequences of their own (the real ones are never advanced). */
const SERIALS: Record<string, string> = { contacts: 'id', events: 'id', journey_log: 'id', trigger_inbox: 'id' };

export interface SimFlow {
  simFlowId: string;
  graph: unknown;
}

/** Runs the thunks one after the other (one connection), answering like Promise.all. */
async function inTurn<T extends readonly (() => Promise<unknown>)[]>(work: T): Promise<{ [K in keyof T]: Awaited<ReturnType<T[K]>> }> {
  const results: unknown[] = [];
  for (const w of work) results.push(await w());
  return results as { [K in keyof T]: Awaited<ReturnType<T[K]>> };
}

export class SimulationRepository {
  readonly schema = `sim_${randomBytes(6).toString('hex')}`;

  constructor(private readonly db: PoolClient) {}

  /** BEGIN, the schema, the copies; `sample` contacts (stable by hash of externalId) or all of them. */
  async open(
    flowId: string,
    version: number,
    now: Date,
    sample: number | null,
    historyDays: number,
  ): Promise<SimFlow & { contacts: number; events: number }> {
    await this.db.query('BEGIN');
    // a simulation never waits long on a real lock, and never runs away
    await this.db.query(`SET LOCAL lock_timeout = '5s'`);
    const view = await this.db.query<{ def: string }>(`SELECT pg_get_viewdef('public.active_event_triggers'::regclass) AS def`);
    await this.db.query(`CREATE SCHEMA ${this.schema}`);
    await this.db.query(`SET LOCAL search_path = ${this.schema}, public`);
    for (const table of TABLES) {
      await this.db.query(
        `CREATE TABLE ${this.schema}.${table} (LIKE public.${table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES)`,
      );
    }
    for (const [table, column] of Object.entries(SERIALS)) {
      await this.db.query(`CREATE SEQUENCE ${this.schema}.${table}_${column}_seq`);
      await this.db.query(
        `ALTER TABLE ${this.schema}.${table} ALTER COLUMN ${column} SET DEFAULT nextval('${this.schema}.${table}_${column}_seq')`,
      );
    }
    await this.db.query(`CREATE VIEW ${this.schema}.active_event_triggers AS ${view.rows[0].def}`);
    await this.db.query(`INSERT INTO workspace_settings SELECT * FROM public.workspace_settings`);
    await this.db.query(`INSERT INTO engine_clock (id, now) VALUES (1, $1)`, [now]);
    const simFlow = await this.db.query<{ id: string; graph: unknown }>(
      `WITH f AS (
         INSERT INTO flows (id, name, status, current_version, live_version, settings, created_at, updated_at, activated_at)
         SELECT md5('simulation:' || id::text)::uuid, 'simulation of ' || name, 'active', $2, $2, settings, $3, $3, $3 FROM public.flows WHERE id = $1
         RETURNING id)
       INSERT INTO flow_versions (flow_id, version, graph, created_at, frozen_at)
       SELECT f.id, v.version, v.graph, $3, $3 FROM f, public.flow_versions v WHERE v.flow_id = $1 AND v.version = $2
       RETURNING flow_id AS id, graph`,
      [flowId, version, now],
    );
    if (!simFlow.rows.length) throw new Error(`flow ${flowId} version ${version} not found`);
    const contacts = await this.db.query(
      sample === null
        ? `INSERT INTO contacts SELECT * FROM public.contacts`
        : `INSERT INTO contacts SELECT * FROM public.contacts ORDER BY hashtext(external_id), id LIMIT ${Number(sample)}`,
    );
    await this.db.query(`SELECT setval('${this.schema}.contacts_id_seq', greatest((SELECT max(id) FROM public.contacts), 1))`);
    const events = await this.db.query(
      `INSERT INTO events SELECT e.* FROM public.events e WHERE e.contact_id IN (SELECT id FROM contacts)
          AND e.occurred_at >= $1::timestamptz - $2::int * interval '1 day'`,
      [now, historyDays],
    );
    await this.db.query(`SELECT setval('${this.schema}.events_id_seq', greatest((SELECT max(id) FROM public.events), 1))`);
    // the hourly replay reads history by time alone
    await this.db.query(`CREATE INDEX ON events (occurred_at)`);
    await this.db.query(`ANALYZE contacts; ANALYZE events`);
    return { simFlowId: simFlow.rows[0].id, graph: simFlow.rows[0].graph, contacts: contacts.rowCount ?? 0, events: events.rowCount ?? 0 };
  }

  /** Copied history between `from` and `to` (occurred_at), to replay shifted forward; never a replayed row. */
  async historyBetween(
    from: Date,
    to: Date,
    maxCopiedId: string,
  ): Promise<{ e: string; n: string; t: Date; p: Record<string, unknown> }[]> {
    const { rows } = await this.db.query(
      `SELECT c.external_id AS e, ev.name AS n, ev.occurred_at AS t, ev.properties AS p
         FROM events ev JOIN contacts c ON c.id = ev.contact_id
        WHERE ev.occurred_at >= $1 AND ev.occurred_at < $2 AND ev.id <= $3::bigint ORDER BY ev.occurred_at, ev.id`,
      [from, to, maxCopiedId],
    );
    return rows;
  }

  async maxEventId(): Promise<string> {
    const { rows } = await this.db.query<{ id: string | null }>(`SELECT max(id)::text AS id FROM events`);
    return rows[0].id ?? '0';
  }

  markClicked(messageIds: string[], at: Date): Promise<void> {
    return markClicked(this.db, messageIds, at);
  }

  /** Facts of a simulated message the response draw needs: its contact and node. */
  async messagesById(ids: string[]): Promise<{ id: string; node_id: string; external_id: string; channel: string }[]> {
    if (!ids.length) return [];
    const { rows } = await this.db.query(
      `SELECT m.id, m.node_id, c.external_id, m.channel FROM messages m JOIN contacts c ON c.id = m.contact_id WHERE m.id = ANY($1::uuid[])
        ORDER BY c.external_id, m.node_id, m.created_at`,
      [ids],
    );
    return rows;
  }

  async report(simFlowId: string, start: Date) {
    // one connection runs one statement at a time
    const [totals, perDay, perNode] = await inTurn([
      () =>
        this.db.query<{
          entered: number;
          holdout: number;
          converted: number;
          converted_after_message: number;
          holdout_converted: number;
          cost: number;
        }>(
          `SELECT count(*)::int AS entered, count(*) FILTER (WHERE holdout)::int AS holdout,
                count(*) FILTER (WHERE state = 'converted' AND NOT holdout)::int AS converted,
                count(*) FILTER (WHERE NOT holdout AND ${convertedAfterMessageSql('journeys')})::int AS converted_after_message,
                count(*) FILTER (WHERE state = 'converted' AND holdout)::int AS holdout_converted,
                (SELECT coalesce(sum(${mc.billedCents('messages')}), 0)::int FROM messages) AS cost
           FROM journeys WHERE flow_id = $1`,
          [simFlowId],
        ),
      () =>
        this.db.query<{ day: number; channel: string; sent: number; delivered: number; cost: number }>(
          `SELECT floor(extract(epoch FROM coalesce(sent_at, created_at) - $1::timestamptz) / 86400)::int + 1 AS day, channel,
                -- in a simulation a failed message is one the provider did not deliver: it was sent
                count(*) FILTER (WHERE status IN ('sent', 'delivered', 'failed'))::int AS sent,
                count(*) FILTER (WHERE status = 'delivered')::int AS delivered,
                coalesce(sum(${mc.billedCents('messages')}), 0)::int AS cost
           FROM messages GROUP BY 1, 2 ORDER BY 1, 2`,
          [start],
        ),
      () =>
        this.db.query<{
          node_id: string;
          entered: number;
          sent: number;
          delivered: number;
          clicked: number;
          cost: number;
          converted: number;
        }>(
          `WITH visits AS (
           SELECT node_id, count(*)::int AS entered FROM journey_log WHERE step IS NOT NULL GROUP BY node_id),
         sends AS (
           SELECT node_id, count(*) FILTER (WHERE status IN ('sent', 'delivered', 'failed'))::int AS sent,
                  count(*) FILTER (WHERE status = 'delivered')::int AS delivered,
                  count(*) FILTER (WHERE clicked_at IS NOT NULL)::int AS clicked,
                  coalesce(sum(${mc.billedCents('messages')}), 0)::int AS cost
             FROM messages GROUP BY node_id),
         -- a conversion is credited to the node of the journey's last message (the holdout's to none)
         credited AS (
           SELECT node_id, count(*)::int AS converted FROM (
             SELECT DISTINCT ON (j.id) m.node_id FROM journeys j JOIN messages m ON m.journey_id = j.id
              WHERE j.state = 'converted' AND NOT j.holdout ORDER BY j.id, m.created_at DESC) last GROUP BY node_id)
         SELECT n.node_id, coalesce(v.entered, 0) AS entered, coalesce(s.sent, 0) AS sent, coalesce(s.delivered, 0) AS delivered,
                coalesce(s.clicked, 0) AS clicked, coalesce(s.cost, 0) AS cost, coalesce(c.converted, 0) AS converted
           FROM (SELECT node_id FROM visits UNION SELECT node_id FROM sends) n
           LEFT JOIN visits v USING (node_id) LEFT JOIN sends s USING (node_id) LEFT JOIN credited c USING (node_id)
          ORDER BY n.node_id`,
        ),
    ] as const);
    return { totals: totals.rows[0], perDay: perDay.rows, perNode: perNode.rows };
  }

  /** Undoes everything: the schema, its copies and every simulated write. */
  async close(): Promise<void> {
    await this.db.query('ROLLBACK');
  }
}
