import { BadRequestException, ConflictException, ForbiddenException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import {
  findFlowTemplate,
  flowQuietHoursOf,
  flowSettingsSchema,
  flowTemplates,
  validateFlow,
  type FlowGraphDocument,
  type ValidationResult,
} from '@boomerang/engine';
import type { ExperimentWinner } from '@boomerang/engine/core/schema';
import type { EntityManager } from 'typeorm';
import type { Pool } from 'pg';
import {
  cancelQueuedMessages,
  estimateEnrollment,
  exitLiveJourneys,
  loadEngineSettings,
  moveWaitingJourneys,
} from '@boomerang/engine/runtime';
import { analyseVersion } from '@boomerang/engine/runtime/graph-facts';
import { parseAllowedNetworks, type AllowedNetwork } from '@boomerang/engine/core/destination';
import { APP_CONFIG, type AppConfig } from '../config';
import { pgClientOf } from '../common/pg-client';
import { readWithTimeout } from '../common/statement-timeout';
import { ENGINE_DB } from '../engine/engine.tokens';
import { AuditWriter } from '../common/audit-writer';
import { actorOf, permissionsOf, Principal } from '../auth/principal';
import { NOW, NowSource } from '../common/clock';
import { decodeCursor, pageOf } from '../common/cursor';
import type { CreateFlowBody, ListFlowsQuery, PublishFlowBody, UpdateFlowBody } from './flows.dto';
import { diffGraphs, isEmptyDiff, type GraphDiff } from '@boomerang/engine/core/graph-diff';
import { FlowRow, FlowsRepository, VersionRow } from './flows.repository';
import type {
  Estimate,
  FlowHistory,
  FlowStats,
  FlowSummary,
  FlowTemplateView,
  FlowView,
  PublishPreview,
  ServerValidation,
} from '@boomerang/engine/core/views/flows';
import type { Page } from '@boomerang/engine/core/views/page';

/**
 * The flow lifecycle: draft → active ⇄ paused → archived. Every change locks the flow row, writes its audit row in
 * the same transaction, and stamps times from the engine clock.
 */
@Injectable()
export class FlowsService {
  constructor(
    private readonly flows: FlowsRepository,
    private readonly audit: AuditWriter,
    @Inject(NOW) private readonly clock: NowSource,
    @Inject(ENGINE_DB) private readonly engineDb: Pool,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.destinations = parseAllowedNetworks(config.WEBHOOK_ALLOW_NETWORKS);
    this.statementTimeoutMs = config.API_STATEMENT_TIMEOUT_MS;
  }

  /** the bound on a request-shaped query (`common/statement-timeout.ts`) */
  private readonly statementTimeoutMs: number;

  /** the operator's outbound networks: validation refuses a webhook node whose literal URL the send would refuse */
  private readonly destinations: AllowedNetwork[];

  private validated(graph: unknown): ValidationResult {
    return validateFlow(graph, { destinations: this.destinations });
  }

  templates(): { items: FlowTemplateView[] } {
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

  async list(query: ListFlowsQuery): Promise<Page<FlowSummary>> {
    const after = decodeCursor(query.cursor, ['date', 'string']) as [string, string] | null;
    const rows = await this.flows.list({ status: query.status, after: after ?? undefined, limit: query.limit });
    return pageOf(rows, query.limit, summaryView, (row) => [row.cursor_at, row.id]);
  }

  async view(id: string, version?: number): Promise<FlowView> {
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
      versions: versions.map((v) => ({
        version: v.version,
        createdAt: v.created_at.toISOString(),
        frozenAt: v.frozen_at?.toISOString() ?? null,
      })),
    };
  }

  /**
   * Draft (or a paused flow's not-yet-activated version): the graph changes in place. Otherwise the graph becomes
   * version N+1; on an active flow it must be valid and goes live at once (running journeys stay on their version).
   */
  async update(id: string, body: UpdateFlowBody, caller: Principal, mode: 'publish' | 'draft' = 'publish') {
    await this.flows.transaction(async (db) => {
      const flow = await this.locked(db, id);
      if (flow.status === 'archived') throw new ConflictException('an archived flow cannot be changed; create a new flow');
      if (body.baseUpdatedAt !== undefined && body.baseUpdatedAt !== flow.updated_at.toISOString()) {
        // optimistic check: someone saved the graph or the name since this edit's copy was loaded
        const last = await this.flows.editedSince(db, id, body.baseUpdatedAt);
        if (last)
          throw new ConflictException(
            `${last.actor.replace(/^(user|key):/, '')} saved this flow at ${last.at.toISOString()}, after you opened it: reload to see their version`,
          );
      }
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
          if (flow.status === 'active' && mode === 'publish') {
            assertMayGoLive(caller, 'a new version of an active flow goes live at once');
            assertValid(this.validated(body.graph), 'the new version of an active flow goes live at once, so it must be valid');
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
      if (body.settings) {
        if (flow.status === 'active') assertMayGoLive(caller, 'the settings of an active flow apply to live contacts at once');
        changes.settings = body.settings;
      }
      if (Object.keys(changes).length === 0) return;
      await this.flows.update(db, id, { name: body.name, settings: body.settings, currentVersion, liveVersion });
      await this.record(db, caller, 'flow.updated', id, changes);
    });
    return this.view(id);
  }

  /**
   * What "Publish" would do on an active flow with a draft: the diff from the live version, and the journeys waiting
   * at each step of older versions (those at changed or removed steps are the ones the choice is about).
   */
  async publishPreview(id: string): Promise<PublishPreview> {
    const flow = await this.flows.find(id);
    if (!flow) throw notFound(id);
    const draft = (await this.flows.version(id, flow.current_version))!;
    const live = flow.live_version !== null ? await this.flows.version(id, flow.live_version) : null;
    const diff: GraphDiff = live ? diffGraphs(live.graph, draft.graph) : diffGraphs({ nodes: [], edges: [] }, draft.graph);
    const waiting = await this.flows.waitingByStep(id, draft.frozen_at ? -1 : flow.current_version);
    const nextIds = new Map(draft.graph.nodes.map((n) => [n.id, n.type]));
    const touched = new Set([...diff.changed, ...diff.removed]);
    const sum = (rows: typeof waiting) => rows.reduce((n, r) => n + r.n, 0);
    return {
      status: flow.status,
      liveVersion: flow.live_version,
      draftVersion: draft.frozen_at ? null : draft.version,
      pending: !draft.frozen_at && live !== null && !isEmptyDiff(diff),
      diff,
      validation: validationOf(this.validated(draft.graph)),
      waiting: waiting.map((w) => ({
        version: w.version,
        nodeId: w.node_id,
        count: w.n,
        inDraft: nextIds.has(w.node_id),
        changed: touched.has(w.node_id),
      })),
      totals: {
        waiting: sum(waiting),
        atChangedSteps: sum(waiting.filter((w) => diff.changed.includes(w.node_id))),
        atRemovedSteps: sum(waiting.filter((w) => !nextIds.has(w.node_id))),
      },
    };
  }

  /**
   * Active flow with a draft version: the draft goes live. `migrate: "move"` moves journeys waiting on older versions
   * to the same step of the new one (when the step still exists with the same type); `"stay"` lets them finish on the
   * version they entered. Steps that were removed always finish on the old version.
   */
  async publish(id: string, body: PublishFlowBody, caller: Principal) {
    await this.flows.transaction(async (db) => {
      const flow = await this.locked(db, id);
      if (flow.status !== 'active')
        throw new ConflictException(`only an active flow has drafts to publish; this one is ${flow.status} (activate it instead)`);
      const draft = (await this.flows.version(id, flow.current_version, db))!;
      if (draft.frozen_at) throw new ConflictException('there is no draft to publish: the current version is already live');
      assertValid(this.validated(draft.graph), 'the draft cannot be published until it is valid');
      const live = flow.live_version !== null ? await this.flows.version(id, flow.live_version, db) : null;
      const now = await this.clock.now();
      await this.flows.writeShardsInSequence(db);
      await this.flows.freeze(db, id, draft.version, now);
      await this.flows.update(db, id, { liveVersion: draft.version });
      const moved =
        body.migrate === 'move'
          ? await moveWaitingJourneys(
              pgClientOf(db),
              id,
              draft.version,
              draft.graph.nodes.map((n) => ({ id: n.id, type: n.type })),
              now,
            )
          : 0;
      await this.record(db, caller, 'flow.published', id, {
        version: draft.version,
        from: flow.live_version,
        migrate: body.migrate,
        movedJourneys: moved,
        ...(live ? { diff: diffGraphs(live.graph, draft.graph) } : {}),
      });
    });
    return this.view(id);
  }

  /**
   * An experiment's decision (the engine's when its window closed, or a marketer's by hand) becomes a new live
   * version whose split carries the winner: new journeys take it, journeys already inside stay on their version. The
   * audit row keeps who chose and the numbers seen. Refused while a draft waits to be published (the draft would be
   * overtaken) and when the split has been decided already (another engine got there first).
   */
  async decideExperiment(id: string, nodeId: string, winner: ExperimentWinner, numbers: Record<string, unknown>) {
    await this.flows.transaction(async (db) => {
      const flow = await this.locked(db, id);
      if (flow.status !== 'active' && flow.status !== 'paused') {
        throw new ConflictException(`only a live flow runs experiments; this one is ${flow.status}`);
      }
      if (flow.live_version === null) throw new ConflictException('the flow has no live version');
      if (flow.current_version !== flow.live_version) {
        throw new ConflictException('a draft of this flow waits to be published: publish or discard it before deciding the experiment');
      }
      const live = (await this.flows.version(id, flow.live_version, db))!;
      const node = live.graph.nodes.find((n) => n.id === nodeId);
      if (!node || node.type !== 'condition' || !('split' in node.data)) {
        throw new NotFoundException(`step "${nodeId}" is not a split of the live version`);
      }
      if (node.data.winner) throw new ConflictException(`the experiment at "${nodeId}" was decided already: “${node.data.winner.arm}”`);
      if (!node.data.split.some((a) => a.id === winner.arm)) {
        throw new BadRequestException(`arm: "${winner.arm}" is not an arm of the split "${nodeId}"`);
      }
      const graph = {
        ...live.graph,
        nodes: live.graph.nodes.map((n) => (n.id === nodeId ? { ...n, data: { ...n.data, winner } } : n)),
      } as FlowGraphDocument;
      const next = flow.current_version + 1;
      await this.flows.insertVersion(db, id, next, graph, await this.clock.now());
      await this.flows.update(db, id, { currentVersion: next, liveVersion: next });
      await this.audit.record(db, {
        actor: winner.decidedBy,
        action: 'flow.experiment_decided',
        entityType: 'flow',
        entityId: id,
        detail: { version: next, from: flow.live_version, nodeId, winner: winner.arm, reason: winner.reason, ...numbers },
      });
    });
    return this.view(id);
  }

  /** Every version with who made it, when, and what changed from the one before (from the audit trail). */
  async history(id: string): Promise<FlowHistory> {
    const flow = await this.flows.find(id);
    if (!flow) throw notFound(id);
    const [versions, audit] = await Promise.all([this.flows.versionsWithGraphs(id), this.flows.auditTrail(id)]);
    const versionOf = (a: (typeof audit)[number]): number | null => {
      const d = a.detail as { version?: unknown; graph?: { version?: unknown } };
      if (typeof d.version === 'number') return d.version;
      if (d.graph && typeof d.graph.version === 'number') return d.graph.version;
      return a.action === 'flow.created' ? 1 : null;
    };
    return {
      liveVersion: flow.live_version,
      currentVersion: flow.current_version,
      versions: versions
        .map((v, i) => {
          const events = audit.filter((a) => versionOf(a) === v.version);
          const author = events.find((a) => a.action !== 'flow.activated' && a.action !== 'flow.published') ?? events[0];
          return {
            version: v.version,
            createdAt: v.created_at.toISOString(),
            frozenAt: v.frozen_at?.toISOString() ?? null,
            live: v.version === flow.live_version,
            current: v.version === flow.current_version,
            by: author?.actor ?? null,
            changes: i === 0 ? null : diffGraphs(versions[i - 1].graph, v.graph),
            events: events.map((a) => ({ at: a.at.toISOString(), actor: a.actor, action: a.action })),
          };
        })
        .reverse(),
    };
  }

  /** Puts an earlier version's graph into the draft (a new draft version when the current one is frozen). */
  async revert(id: string, version: number, caller: Principal) {
    const source = await this.flows.version(id, version);
    if (!source) throw new NotFoundException(`flow "${id}" has no version ${version}`);
    const view = await this.update(id, { graph: source.graph }, caller, 'draft');
    await this.flows.transaction((db) => this.record(db, caller, 'flow.reverted', id, { toVersionOf: version, version: view.version }));
    return view;
  }

  /**
   * How many contacts the trigger would enroll right now: the engine's own enrollment statement for the current
   * version, run in a transaction that is rolled back. Event triggers count only events after activation (so 0 here).
   */
  /** How many contacts the current version's trigger would take now (the activation dialog's estimate). */
  async estimate(id: string): Promise<Estimate> {
    const flow = await this.flows.find(id);
    if (!flow) throw notFound(id);
    const current = (await this.flows.version(id, flow.current_version))!;
    const checked = this.validated(current.graph);
    if (!checked.valid) return { count: null, reason: 'the flow is not valid yet', kind: null };
    const info = analyseVersion(current.graph);
    if (!info.trigger) return { count: 0, reason: 'the flow has no trigger', kind: null };
    const now = await this.clock.now();
    const settings = await loadEngineSettings(this.engineDb);
    // the rule is the caller's to shape (any reader may ask): the count runs bounded
    const estimate = await readWithTimeout(this.engineDb, this.statementTimeoutMs, (db) =>
      estimateEnrollment(db, { id, live_version: current.version }, info, now, settings),
    );
    return { count: estimate.count, reason: null, kind: estimate.kind, at: now.toISOString() };
  }

  async stats(): Promise<FlowStats> {
    const now = await this.clock.now();
    const rows = await this.flows.weeklyStats(new Date(now.getTime() - 7 * 86_400_000));
    return {
      since: new Date(now.getTime() - 7 * 86_400_000).toISOString(),
      items: rows.map((r) => ({ flowId: r.flow_id, entered: r.entered, live: r.live, converted: r.converted })),
    };
  }

  async validate(id: string, graph: unknown): Promise<ServerValidation> {
    const flow = await this.flows.find(id);
    if (!flow) throw notFound(id);
    const subject = graph !== undefined ? graph : (await this.flows.version(id, flow.current_version))!.graph;
    return validationOf(this.validated(subject));
  }

  /** draft → active, or paused → active (resume). The current version must be valid; it is frozen and goes live. */
  async activate(id: string, caller: Principal) {
    await this.flows.transaction(async (db) => {
      const flow = await this.locked(db, id);
      if (flow.status === 'active') throw new ConflictException('the flow is already active');
      if (flow.status === 'archived') throw new ConflictException('an archived flow cannot be activated; create a new flow');
      const current = (await this.flows.version(id, flow.current_version, db))!;
      assertValid(this.validated(current.graph), 'the flow cannot be activated until it is valid');
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

  /** A draft that never went live can be deleted outright; anything else is archived instead. */
  async deleteDraft(id: string, caller: Principal): Promise<void> {
    await this.flows.transaction(async (db) => {
      const flow = await this.locked(db, id);
      if (flow.status !== 'draft' || flow.live_version !== null || !(await this.flows.deleteNeverActivated(db, id))) {
        throw new ConflictException('only a draft that was never activated can be deleted; archive this flow instead');
      }
      await this.record(db, caller, 'flow.deleted', id, { name: flow.name });
    });
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
      await this.flows.writeShardsInSequence(db);
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

/** The verdict and the issues of validateFlow, without the parsed graph it also returns. */
function validationOf(result: ValidationResult): ServerValidation {
  const { valid, errors, warnings } = result;
  return { valid, errors, warnings };
}

/**
 * Editors design; a change reaches live contacts only through a principal with `operate` (issue 20). The words
 * say what to do instead.
 */
function assertMayGoLive(caller: Principal, why: string): void {
  if (permissionsOf(caller).has('operate')) return;
  throw new ForbiddenException(
    `${why}, which needs the "operate" permission: save it as a draft (PUT /api/flows/:id/draft) for an operator to publish`,
  );
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

export function summaryView(flow: FlowRow): FlowSummary {
  return {
    id: flow.id,
    name: flow.name,
    status: flow.status,
    version: flow.current_version,
    liveVersion: flow.live_version,
    settings: { holdoutPercent: flow.settings.holdoutPercent ?? 10, quietHours: flowQuietHoursOf(flow.settings.quietHours) },
    createdAt: flow.created_at.toISOString(),
    updatedAt: flow.updated_at.toISOString(),
    activatedAt: flow.activated_at?.toISOString() ?? null,
  };
}
