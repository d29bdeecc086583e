import { BadRequestException, ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { findFlowTemplate, flowSettingsSchema, flowTemplates, validateFlow, type FlowGraphDocument, type ValidationResult } from '@boomerang/engine';
import type { EntityManager } from 'typeorm';
import { cancelQueuedMessages, exitLiveJourneys } from '@boomerang/engine/runtime';
import { pgClientOf } from '../common/pg-client';
import { AuditRepository } from '../audit/audit.repository';
import { actorOf, Principal } from '../auth/principal';
import { NOW, NowSource } from '../common/clock';
import { decodeCursor, pageOf } from '../common/cursor';
import type { CreateFlowBody, ListFlowsQuery, UpdateFlowBody } from './flows.dto';
import { FlowRow, FlowsRepository, VersionRow } from './flows.repository';

/**
 * The flow lifecycle: draft → active ⇄ paused → archived. Every change locks the flow row, writes its audit row in
 * the same transaction, and stamps times from the engine clock.
 */
@Injectable()
export class FlowsService {
  constructor(
    private readonly flows: FlowsRepository,
    private readonly audit: AuditRepository,
    @Inject(NOW) private readonly clock: NowSource,
  ) {}

  templates() {
    return { items: flowTemplates.map(({ id, name, description, graph }) => ({ id, name, description, graph })) };
  }

  async create(body: CreateFlowBody, caller: Principal) {
    const graph = 'graph' in body ? body.graph : findFlowTemplate(body.templateId)!.graph;
    const settings = flowSettingsSchema.parse(body.settings ?? {});
    const flow = await this.flows.transaction(async (db) => {
      const created = await this.flows.insert(db, body.name, settings, graph);
      await this.record(db, caller, 'flow.created', created.id, {
        name: body.name,
        version: 1,
        ...('templateId' in body ? { templateId: body.templateId } : {}),
      });
      return created;
    });
    return this.view(flow.id);
  }

  async list(query: ListFlowsQuery) {
    const after = decodeCursor(query.cursor, ['date', 'string']) as [string, string] | null;
    const rows = await this.flows.list({ status: query.status, after: after ?? undefined, limit: query.limit });
    return pageOf(rows, query.limit, summaryView, (row) => [row.created_at.toISOString(), row.id]);
  }

  async view(id: string, version?: number) {
    const flow = await this.flows.find(id);
    if (!flow) throw notFound(id);
    const shown = await this.flows.version(id, version ?? flow.current_version);
    if (!shown) throw new NotFoundException(`flow "${id}" has no version ${version}`);
    const versions = await this.flows.versions(id);
    return {
      ...summaryView(flow),
      graph: shown.graph,
      graphVersion: shown.version,
      frozen: shown.frozen_at !== null,
      versions: versions.map((v) => ({ version: v.version, createdAt: v.created_at.toISOString(), frozenAt: v.frozen_at?.toISOString() ?? null })),
    };
  }

  /**
   * Draft (or a paused flow's not-yet-activated version): the graph changes in place. Otherwise the graph becomes
   * version N+1; on an active flow it must be valid and goes live at once (running journeys stay on their version).
   */
  async update(id: string, body: UpdateFlowBody, caller: Principal) {
    await this.flows.transaction(async (db) => {
      const flow = await this.locked(db, id);
      if (flow.status === 'archived') throw new ConflictException('an archived flow cannot be changed; create a new flow');
      const changes: Record<string, unknown> = {};
      let currentVersion: number | undefined;
      let liveVersion: number | undefined;
      if (body.graph) {
        const current = (await this.flows.version(id, flow.current_version, db))!;
        if (!current.frozen_at) {
          await this.flows.replaceGraph(db, id, current.version, body.graph);
          changes.graph = { version: current.version, replaced: true };
        } else if (!sameGraph(current, body.graph)) {
          const next = flow.current_version + 1;
          if (flow.status === 'active') {
            assertValid(validateFlow(body.graph), 'the new version of an active flow goes live at once, so it must be valid');
            await this.flows.insertVersion(db, id, next, body.graph, await this.clock.now());
            liveVersion = next;
          } else {
            await this.flows.insertVersion(db, id, next, body.graph, null);
          }
          currentVersion = next;
          changes.graph = { version: next, live: liveVersion === next };
        }
      }
      if (body.name !== undefined && body.name !== flow.name) changes.name = { from: flow.name, to: body.name };
      if (body.settings) changes.settings = body.settings;
      if (Object.keys(changes).length === 0) return;
      await this.flows.update(db, id, { name: body.name, settings: body.settings, currentVersion, liveVersion });
      await this.record(db, caller, 'flow.updated', id, changes);
    });
    return this.view(id);
  }

  async validate(id: string, graph: unknown) {
    const flow = await this.flows.find(id);
    if (!flow) throw notFound(id);
    const subject = graph !== undefined ? graph : (await this.flows.version(id, flow.current_version))!.graph;
    const { valid, errors, warnings } = validateFlow(subject);
    return { valid, errors, warnings };
  }

  /** draft → active, or paused → active (resume). The current version must be valid; it is frozen and goes live. */
  async activate(id: string, caller: Principal) {
    await this.flows.transaction(async (db) => {
      const flow = await this.locked(db, id);
      if (flow.status === 'active') throw new ConflictException('the flow is already active');
      if (flow.status === 'archived') throw new ConflictException('an archived flow cannot be activated; create a new flow');
      const current = (await this.flows.version(id, flow.current_version, db))!;
      assertValid(validateFlow(current.graph), 'the flow cannot be activated until it is valid');
      const now = await this.clock.now();
      await this.flows.freeze(db, id, current.version, now);
      await this.flows.update(db, id, { status: 'active', liveVersion: current.version, activatedAt: now });
      await this.record(db, caller, flow.status === 'paused' ? 'flow.resumed' : 'flow.activated', id, {
        from: flow.status,
        version: current.version,
      });
    });
    return this.view(id);
  }

  /** active → paused: no enrollment, steps or sends until it is activated again. */
  async pause(id: string, caller: Principal) {
    await this.flows.transaction(async (db) => {
      const flow = await this.locked(db, id);
      if (flow.status !== 'active') throw new ConflictException(`only an active flow can be paused; this one is ${flow.status}`);
      await this.flows.update(db, id, { status: 'paused' });
      await this.record(db, caller, 'flow.paused', id, { version: flow.live_version });
    });
    return this.view(id);
  }

  /** Any status but archived → archived, for good: every live journey exits with a log row saying why. */
  async archive(id: string, caller: Principal) {
    await this.flows.transaction(async (db) => {
      const flow = await this.locked(db, id);
      if (flow.status === 'archived') throw new ConflictException('the flow is already archived');
      const now = await this.clock.now();
      // the engine's own writes, in this transaction: journeys exit with a log row, the outbox is cancelled
      const exited = await exitLiveJourneys(pgClientOf(db), id, now, 'flow archived');
      const cancelledMessages = await cancelQueuedMessages(pgClientOf(db), id, now, 'flow archived before delivery');
      await this.flows.update(db, id, { status: 'archived' });
      await this.record(db, caller, 'flow.archived', id, { from: flow.status, exitedJourneys: exited, cancelledMessages });
    });
    return this.view(id);
  }

  private async locked(db: EntityManager, id: string): Promise<FlowRow> {
    const flow = await this.flows.lock(db, id);
    if (!flow) throw notFound(id);
    return flow;
  }

  private record(db: EntityManager, caller: Principal, action: string, flowId: string, detail: Record<string, unknown>) {
    return this.audit.record(db, { actor: actorOf(caller), action, entityType: 'flow', entityId: flowId, detail });
  }
}

function notFound(id: string): NotFoundException {
  return new NotFoundException(`flow "${id}" not found`);
}

/** 400 carrying validateFlow's errors (each names its node). */
function assertValid(result: ValidationResult, why: string): void {
  if (result.valid) return;
  const first = result.errors[0];
  throw new BadRequestException({
    statusCode: 400,
    message: `${why}: ${first.nodeId ? `node "${first.nodeId}": ` : ''}${first.message}${result.errors.length > 1 ? ` (and ${result.errors.length - 1} more)` : ''}`,
    errors: result.errors,
    warnings: result.warnings,
  });
}

function sameGraph(version: VersionRow, graph: FlowGraphDocument): boolean {
  return canonical(version.graph) === canonical(graph);
}

/** JSON with sorted keys: jsonb does not keep key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

export function summaryView(flow: FlowRow) {
  return {
    id: flow.id,
    name: flow.name,
    status: flow.status,
    version: flow.current_version,
    liveVersion: flow.live_version,
    settings: { holdoutPercent: flow.settings.holdoutPercent ?? 10 },
    createdAt: flow.created_at.toISOString(),
    updatedAt: flow.updated_at.toISOString(),
    activatedAt: flow.activated_at?.toISOString() ?? null,
  };
}
