import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { MessagesQuery } from './messages.dto';
import type { MessageView } from '@boomerang/engine/core/views/messages';
import { cursorInstantSql } from '../common/cursor';

export interface MessageRow {
  id: string;
  journey_id: string;
  flow_id: string;
  flow_version: number;
  external_id: string;
  node_id: string;
  channel: MessageView['channel'];
  status: MessageView['status'];
  content: Record<string, string>;
  cost_cents: number;
  segments: number | null;
  escalation: MessageView['escalation'];
  attempts: number;
  last_error: string | null;
  created_at: Date;
  sent_at: Date | null;
  delivered_at: Date | null;
  failed_at: Date | null;
  opened_at: Date | null;
  clicked_at: Date | null;
  unsubscribed_at: Date | null;
}

@Injectable()
export class MessagesRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Newest first, keyset-paginated on (created_at, id). */
  list(filter: Omit<MessagesQuery, 'cursor'> & { after?: [string, string] }): Promise<(MessageRow & { cursor_at: string })[]> {
    return this.dataSource.query(
      `SELECT m.id, m.journey_id, m.flow_id, m.flow_version, c.external_id, m.node_id, m.channel, m.status, m.content,
              m.cost_cents, m.segments, m.escalation, m.attempts, m.last_error, m.created_at, m.sent_at, m.delivered_at, m.failed_at, m.opened_at,
              m.clicked_at, m.unsubscribed_at, ${cursorInstantSql('m.created_at')}
         FROM messages m JOIN contacts c ON c.id = m.contact_id
        WHERE ($1::text IS NULL OR c.external_id = $1)
          AND ($2::uuid IS NULL OR m.flow_id = $2)
          AND ($3::uuid IS NULL OR m.journey_id = $3)
          AND ($4::text IS NULL OR m.channel = $4)
          AND ($5::text IS NULL OR m.status = $5)
          AND ($6::timestamptz IS NULL OR (m.created_at, m.id) < ($6::timestamptz, $7::uuid))
        ORDER BY m.created_at DESC, m.id DESC
        LIMIT $8`,
      [
        filter.externalId ?? null,
        filter.flowId ?? null,
        filter.journeyId ?? null,
        filter.channel ?? null,
        filter.status ?? null,
        filter.after?.[0] ?? null,
        filter.after?.[1] ?? null,
        filter.limit + 1,
      ],
    );
  }
}
