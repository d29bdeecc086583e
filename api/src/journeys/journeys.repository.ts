import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { JourneyState } from '@boomerang/engine';
import { cursorInstantSql } from '../common/cursor';

export interface JourneyRow {
  id: string;
  flow_id: string;
  flow_name: string;
  flow_version: number;
  external_id: string;
  state: JourneyState;
  holdout: boolean;
  current_node_id: string;
  entered_at: Date;
  next_run_at: Date | null;
  ended_at: Date | null;
  log?: LogJson[];
}

/** A log row as built by jsonb in SQL (times are ISO strings already). */
export interface LogJson {
  at: string;
  nodeId: string;
  kind: string;
  detail: Record<string, unknown>;
  /** Set on the row that records a node visit (the visit's first row). */
  step: number | null;
  delivery?: Record<string, unknown> | null;
}

const columns = `j.id, j.flow_id, f.name AS flow_name, j.flow_version, c.external_id, j.state, j.holdout, j.current_node_id,
  j.entered_at, j.next_run_at, j.ended_at`;

/**
 * Every log row of the journey in order, `message` rows joined to their message's current delivery status.
 * to_jsonb on timestamptz keeps the offset; the view re-renders times as ISO UTC. Each join names the contact too:
 * Citus joins the sharded tables only on their shard key.
 */
const logColumn = `coalesce((
  SELECT jsonb_agg(jsonb_build_object(
           'at', l.at, 'nodeId', l.node_id, 'kind', l.kind, 'detail', l.detail, 'step', l.step,
           'delivery', CASE WHEN m.id IS NULL THEN NULL ELSE jsonb_build_object(
             'status', m.status, 'sentAt', m.sent_at, 'deliveredAt', m.delivered_at, 'failedAt', m.failed_at,
             'openedAt', m.opened_at, 'clickedAt', m.clicked_at, 'lastError', m.last_error) END)
         ORDER BY l.id)
    FROM journey_log l
    LEFT JOIN messages m ON l.kind = 'message' AND m.contact_id = l.contact_id AND m.journey_id = l.journey_id
                        AND m.id::text = l.detail->>'messageId'
   WHERE l.contact_id = j.contact_id AND l.journey_id = j.id), '[]'::jsonb) AS log`;

@Injectable()
export class JourneysRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Every journey of one contact, newest first, each with its full log (a contact has few journeys). */
  forContact(externalId: string): Promise<JourneyRow[]> {
    return this.dataSource.query(
      `SELECT ${columns}, ${logColumn}
         FROM contacts c JOIN journeys j ON j.contact_id = c.id JOIN flows f ON f.id = j.flow_id
        WHERE c.external_id = $1
        ORDER BY j.entered_at DESC, j.id DESC`,
      [externalId],
    );
  }

  async one(id: string): Promise<JourneyRow | null> {
    const rows: JourneyRow[] = await this.dataSource.query(
      `SELECT ${columns}, ${logColumn}
         FROM journeys j JOIN contacts c ON c.id = j.contact_id JOIN flows f ON f.id = j.flow_id
        WHERE j.id = $1`,
      [id],
    );
    return rows[0] ?? null;
  }

  /** A page of a flow's journeys, newest first, keyset-paginated on (entered_at, id). */
  forFlow(
    flowId: string,
    filter: { state?: string; nodeId?: string; version?: number; after?: [string, string]; limit: number },
  ): Promise<(JourneyRow & { cursor_at: string })[]> {
    return this.dataSource.query(
      `SELECT ${columns}, ${cursorInstantSql('j.entered_at')}
         FROM journeys j JOIN contacts c ON c.id = j.contact_id JOIN flows f ON f.id = j.flow_id
        WHERE j.flow_id = $1
          AND ($2::text IS NULL OR j.state = $2)
          AND ($3::text IS NULL OR j.current_node_id = $3)
          AND ($4::int IS NULL OR j.flow_version = $4)
          AND ($5::timestamptz IS NULL OR (j.entered_at, j.id) < ($5::timestamptz, $6::uuid))
        ORDER BY j.entered_at DESC, j.id DESC
        LIMIT $7`,
      [
        flowId,
        filter.state ?? null,
        filter.nodeId ?? null,
        filter.version ?? null,
        filter.after?.[0] ?? null,
        filter.after?.[1] ?? null,
        filter.limit + 1,
      ],
    );
  }

  async contactExists(externalId: string): Promise<boolean> {
    const rows = await this.dataSource.query(`SELECT 1 FROM contacts WHERE external_id = $1`, [externalId]);
    return rows.length > 0;
  }

  async flowExists(flowId: string): Promise<boolean> {
    const rows = await this.dataSource.query(`SELECT 1 FROM flows WHERE id = $1`, [flowId]);
    return rows.length > 0;
  }
}
