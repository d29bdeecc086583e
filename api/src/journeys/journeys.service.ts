import { Injectable, NotFoundException } from '@nestjs/common';
import { masksPersonalData, Principal } from '../auth/principal';
import { decodeCursor, pageOf } from '../common/cursor';
import { maskDeep } from '../common/masking';
import type { FlowJourneysQuery } from './journeys.dto';
import { JourneyRow, JourneysRepository, LogJson } from './journeys.repository';
import type { JourneyLogEntry, JourneyView } from '@boomerang/engine/core/views/journeys';

@Injectable()
export class JourneysService {
  constructor(private readonly journeys: JourneysRepository) {}

  async forContact(externalId: string, caller: Principal) {
    const rows = await this.journeys.forContact(externalId);
    if (rows.length === 0 && !(await this.journeys.contactExists(externalId))) {
      throw new NotFoundException(`contact "${externalId.slice(0, 200)}" not found`);
    }
    const mask = masksPersonalData(caller);
    return { items: rows.map((row) => journeyView(row, mask)), nextCursor: null };
  }

  async one(id: string, caller: Principal) {
    const row = await this.journeys.one(id);
    if (!row) throw new NotFoundException(`journey "${id}" not found`);
    return journeyView(row, masksPersonalData(caller));
  }

  async forFlow(flowId: string, query: FlowJourneysQuery, caller: Principal) {
    if (!(await this.journeys.flowExists(flowId))) throw new NotFoundException(`flow "${flowId}" not found`);
    const after = decodeCursor(query.cursor, ['date', 'string']) as [string, string] | null;
    const rows = await this.journeys.forFlow(flowId, { ...query, after: after ?? undefined });
    const mask = masksPersonalData(caller);
    return pageOf(
      rows,
      query.limit,
      (row) => journeyView(row, mask),
      (row) => [row.cursor_at, row.id],
    );
  }
}

function iso(value: unknown): string | null {
  return value === null || value === undefined ? null : new Date(value as string).toISOString();
}

/**
 * The engine stores a node visit on the row that says what the visit did (issue 23: one row per step, not two); the
 * log a reader sees keeps one `node` row ("reached this step") before it, as it always read.
 */
function logViews(entry: LogJson): JourneyLogEntry[] {
  const view = logView(entry);
  if (entry.step === null || entry.step === undefined || entry.kind === 'node') return [view];
  return [{ at: view.at, nodeId: entry.nodeId, kind: 'node', detail: { step: entry.step }, step: entry.step }, view];
}

function logView(entry: LogJson): JourneyLogEntry {
  const d = entry.delivery;
  return {
    at: iso(entry.at)!,
    nodeId: entry.nodeId,
    kind: entry.kind,
    detail: entry.detail,
    ...(entry.step === null || entry.step === undefined ? {} : { step: entry.step }),
    ...(d
      ? {
          delivery: {
            status: d.status as string,
            sentAt: iso(d.sentAt),
            deliveredAt: iso(d.deliveredAt),
            failedAt: iso(d.failedAt),
            openedAt: iso(d.openedAt),
            clickedAt: iso(d.clickedAt),
            lastError: (d.lastError as string | null) ?? null,
          },
        }
      : {}),
  };
}

/** The contract's journey shape plus flow name, external id, next run and end. */
function journeyView(row: JourneyRow, mask: boolean): JourneyView {
  const view = {
    id: row.id,
    flowId: row.flow_id,
    flowName: row.flow_name,
    version: row.flow_version,
    externalId: row.external_id,
    state: row.state,
    holdout: row.holdout,
    currentNodeId: row.current_node_id,
    enteredAt: row.entered_at.toISOString(),
    nextRunAt: row.next_run_at?.toISOString() ?? null,
    endedAt: row.ended_at?.toISOString() ?? null,
    ...(row.log ? { log: row.log.flatMap(logViews) } : {}),
  };
  return mask && view.log ? { ...view, log: view.log.map((l) => ({ ...l, detail: maskDeep(l.detail) })) } : view;
}
