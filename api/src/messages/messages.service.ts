import { Injectable } from '@nestjs/common';
import { masksPersonalData, Principal } from '../auth/principal';
import { decodeCursor, pageOf } from '../common/cursor';
import { maskDeep } from '../common/masking';
import type { MessagesQuery } from './messages.dto';
import { MessageRow, MessagesRepository } from './messages.repository';
import type { MessageView } from '@boomerang/engine/core/views/messages';

@Injectable()
export class MessagesService {
  constructor(private readonly messages: MessagesRepository) {}

  async list(query: MessagesQuery, caller: Principal) {
    const after = decodeCursor(query.cursor, ['date', 'string']) as [string, string] | null;
    const rows = await this.messages.list({ ...query, after: after ?? undefined });
    const mask = masksPersonalData(caller);
    return pageOf(
      rows,
      query.limit,
      (row) => messageView(row, mask),
      (row) => [row.cursor_at, row.id],
    );
  }
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

function messageView(row: MessageRow, mask: boolean): MessageView {
  return {
    id: row.id,
    journeyId: row.journey_id,
    flowId: row.flow_id,
    version: row.flow_version,
    externalId: row.external_id,
    nodeId: row.node_id,
    channel: row.channel,
    status: row.status,
    content: mask ? maskDeep(row.content) : row.content,
    costCents: row.cost_cents,
    segments: row.segments,
    escalation: row.escalation,
    attempts: row.attempts,
    lastError: row.last_error,
    createdAt: row.created_at.toISOString(),
    sentAt: iso(row.sent_at),
    deliveredAt: iso(row.delivered_at),
    failedAt: iso(row.failed_at),
    openedAt: iso(row.opened_at),
    clickedAt: iso(row.clicked_at),
    unsubscribedAt: iso(row.unsubscribed_at),
  };
}
