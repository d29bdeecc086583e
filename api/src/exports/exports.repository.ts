import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface JourneyExportRow {
  id: string;
  /** `entered_at` as PostgreSQL prints it: the keyset's cursor, exact to the microsecond */
  entered_key: string;
  flow_version: number;
  external_id: string;
  state: string;
  holdout: boolean;
  current_node_id: string;
  entered_at: Date;
  next_run_at: Date | null;
  ended_at: Date | null;
}

export interface MessageExportRow {
  id: string;
  journey_id: string;
  flow_version: number;
  external_id: string;
  node_id: string;
  channel: string;
  status: string;
  cost_cents: number;
  attempts: number;
  created_at: Date;
  sent_at: Date | null;
  delivered_at: Date | null;
  failed_at: Date | null;
  opened_at: Date | null;
  clicked_at: Date | null;
  unsubscribed_at: Date | null;
  last_error: string | null;
}

/**
 * Keyset pages over a flow's journeys (in the order they entered) and messages (by id): exports of any size never hold
 * more than one page.
 */
@Injectable()
export class ExportsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async flowExists(flowId: string): Promise<boolean> {
    return (await this.dataSource.query(`SELECT 1 FROM flows WHERE id = $1`, [flowId])).length > 0;
  }

  journeysPage(flowId: string, after: { enteredKey: string; id: string } | null, limit: number): Promise<JourneyExportRow[]> {
    return this.dataSource.query(
      `SELECT j.id, j.entered_at::text AS entered_key, j.flow_version, c.external_id, j.state, j.holdout, j.current_node_id,
              j.entered_at, j.next_run_at, j.ended_at
         FROM journeys j JOIN contacts c ON c.id = j.contact_id
        WHERE j.flow_id = $1 AND ($2::timestamptz IS NULL OR (j.entered_at, j.id) > ($2::timestamptz, $3::uuid))
        ORDER BY j.entered_at, j.id LIMIT $4`,
      [flowId, after?.enteredKey ?? null, after?.id ?? null, limit],
    );
  }

  messagesPage(flowId: string, after: string | null, limit: number): Promise<MessageExportRow[]> {
    return this.dataSource.query(
      `SELECT m.id, m.journey_id, m.flow_version, c.external_id, m.node_id, m.channel, m.status, m.cost_cents, m.attempts,
              m.created_at, m.sent_at, m.delivered_at, m.failed_at, m.opened_at, m.clicked_at, m.unsubscribed_at, m.last_error
         FROM messages m JOIN contacts c ON c.id = m.contact_id
        WHERE m.flow_id = $1 AND ($2::uuid IS NULL OR m.id > $2) ORDER BY m.id LIMIT $3`,
      [flowId, after, limit],
    );
  }
}
