import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { FlowGraphDocument } from '@boomerang/engine';
import { SEQUENTIAL_SHARD_ACCESS } from '@boomerang/engine/runtime';
import { cursorInstantSql } from '../common/cursor';
import type { FlowStatus } from '@boomerang/engine/core/views/flows';

export interface FlowRow {
  id: string;
  name: string;
  status: FlowStatus;
  current_version: number;
  live_version: number | null;
  settings: { holdoutPercent?: number; quietHours?: unknown };
  created_at: Date;
  updated_at: Date;
  activated_at: Date | null;
}

export interface VersionRow {
  version: number;
  graph: FlowGraphDocument;
  created_at: Date;
  frozen_at: Date | null;
}

const flowColumns = `id, name, status, current_version, live_version, settings, created_at, updated_at, activated_at`;

/** Flows and their versions. Writes take the caller's transaction (`db`); the flow row is the lock. */
@Injectable()
export class FlowsRepository {
  constructor(private readonly dataSource: DataSource) {}

  transaction<T>(work: (db: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  async insert(db: EntityManager, name: string, settings: object, graph: FlowGraphDocument): Promise<FlowRow> {
    const [flow]: FlowRow[] = await db.query(`INSERT INTO flows (name, settings) VALUES ($1, $2) RETURNING ${flowColumns}`, [
      name,
      JSON.stringify(settings),
    ]);
    await db.query(`INSERT INTO flow_versions (flow_id, version, graph) VALUES ($1, 1, $2)`, [flow.id, JSON.stringify(graph)]);
    return flow;
  }

  async find(id: string, db: EntityManager = this.dataSource.manager): Promise<FlowRow | null> {
    const rows: FlowRow[] = await db.query(`SELECT ${flowColumns} FROM flows WHERE id = $1`, [id]);
    return rows[0] ?? null;
  }

  /** The flow row locked for the rest of the transaction: lifecycle changes are serialised per flow. */
  /**
   * The newest change to the flow's graph or name made after `since` (an `updatedAt` the editor loaded, which is
   * truncated to the millisecond: its own save is not "after" it), with who made it. Settings and status changes do
   * not count: they do not overwrite an edit.
   */
  async editedSince(db: EntityManager, id: string, since: string): Promise<{ actor: string; at: Date } | null> {
    const rows: { actor: string; at: Date }[] = await db.query(
      `SELECT actor, at FROM audit_log
        WHERE entity_type = 'flow' AND entity_id = $1 AND action IN ('flow.updated', 'flow.reverted')
          AND at >= $2::timestamptz + interval '1 millisecond' AND (detail ? 'graph' OR detail ? 'name' OR action = 'flow.reverted')
        ORDER BY id DESC LIMIT 1`,
      [id, since],
    );
    return rows[0] ?? null;
  }

  /** For a transaction that writes the flow and the audit log (reference tables on Citus) after journeys or messages. */
  async writeShardsInSequence(db: EntityManager): Promise<void> {
    await db.query(SEQUENTIAL_SHARD_ACCESS);
  }

  async lock(db: EntityManager, id: string): Promise<FlowRow | null> {
    const rows: FlowRow[] = await db.query(`SELECT ${flowColumns} FROM flows WHERE id = $1 FOR UPDATE`, [id]);
    return rows[0] ?? null;
  }

  list(filter: { status?: FlowStatus; after?: [string, string]; limit: number }): Promise<(FlowRow & { cursor_at: string })[]> {
    return this.dataSource.query(
      `SELECT ${flowColumns}, ${cursorInstantSql('created_at')} FROM flows
        WHERE ($1::text IS NULL OR status = $1)
          AND ($2::timestamptz IS NULL OR (created_at, id) < ($2::timestamptz, $3::uuid))
        ORDER BY created_at DESC, id DESC LIMIT $4`,
      [filter.status ?? null, filter.after?.[0] ?? null, filter.after?.[1] ?? null, filter.limit + 1],
    );
  }

  async version(flowId: string, version: number, db: EntityManager = this.dataSource.manager): Promise<VersionRow | null> {
    const rows: VersionRow[] = await db.query(
      `SELECT version, graph, created_at, frozen_at FROM flow_versions WHERE flow_id = $1 AND version = $2`,
      [flowId, version],
    );
    return rows[0] ?? null;
  }

  versions(flowId: string): Promise<Omit<VersionRow, 'graph'>[]> {
    return this.dataSource.query(`SELECT version, created_at, frozen_at FROM flow_versions WHERE flow_id = $1 ORDER BY version`, [flowId]);
  }

  /** Only an unfrozen version can change (a database trigger enforces it too). */
  async replaceGraph(db: EntityManager, flowId: string, version: number, graph: FlowGraphDocument): Promise<void> {
    await db.query(`UPDATE flow_versions SET graph = $3 WHERE flow_id = $1 AND version = $2 AND frozen_at IS NULL`, [
      flowId,
      version,
      JSON.stringify(graph),
    ]);
  }

  async insertVersion(db: EntityManager, flowId: string, version: number, graph: FlowGraphDocument, frozenAt: Date | null): Promise<void> {
    await db.query(`INSERT INTO flow_versions (flow_id, version, graph, frozen_at) VALUES ($1, $2, $3, $4)`, [
      flowId,
      version,
      JSON.stringify(graph),
      frozenAt,
    ]);
  }

  async freeze(db: EntityManager, flowId: string, version: number, at: Date): Promise<void> {
    await db.query(`UPDATE flow_versions SET frozen_at = $3 WHERE flow_id = $1 AND version = $2 AND frozen_at IS NULL`, [
      flowId,
      version,
      at,
    ]);
  }

  async update(
    db: EntityManager,
    id: string,
    patch: { name?: string; settings?: object; status?: FlowStatus; currentVersion?: number; liveVersion?: number; activatedAt?: Date },
  ): Promise<FlowRow> {
    const [rows]: [FlowRow[], number] = await db.query(
      `UPDATE flows SET
         name = coalesce($2, name),
         settings = settings || coalesce($3::jsonb, '{}'), -- the keys given replace the stored ones
         status = coalesce($4, status),
         current_version = coalesce($5, current_version),
         live_version = coalesce($6, live_version),
         activated_at = coalesce(activated_at, $7),
         updated_at = now()
       WHERE id = $1 RETURNING ${flowColumns}`,
      [
        id,
        patch.name ?? null,
        patch.settings ? JSON.stringify(patch.settings) : null,
        patch.status ?? null,
        patch.currentVersion ?? null,
        patch.liveVersion ?? null,
        patch.activatedAt ?? null,
      ],
    );
    return rows[0];
  }

  /** Every version with its graph, oldest first (version history and its diffs). */
  versionsWithGraphs(flowId: string): Promise<VersionRow[]> {
    return this.dataSource.query(`SELECT version, graph, created_at, frozen_at FROM flow_versions WHERE flow_id = $1 ORDER BY version`, [
      flowId,
    ]);
  }

  /** Waiting journeys per (version, step) on versions other than `except`. */
  waitingByStep(
    flowId: string,
    except: number,
    db: EntityManager = this.dataSource.manager,
  ): Promise<{ version: number; node_id: string; n: number }[]> {
    return db.query(
      `SELECT flow_version AS version, current_node_id AS node_id, count(*)::int AS n FROM journeys
        WHERE flow_id = $1 AND state = 'waiting' AND flow_version <> $2
        GROUP BY flow_version, current_node_id ORDER BY flow_version, current_node_id`,
      [flowId, except],
    );
  }

  /** Deletes a flow that never went live (versions cascade); false when it is not such a draft. */
  async deleteNeverActivated(db: EntityManager, id: string): Promise<boolean> {
    const rows: unknown[] = await db.query(
      `DELETE FROM flows WHERE id = $1 AND status = 'draft' AND live_version IS NULL
          AND NOT EXISTS (SELECT 1 FROM journeys WHERE flow_id = $1) RETURNING id`,
      [id],
    );
    return (Array.isArray(rows[0]) ? (rows[0] as unknown[]).length : rows.length) > 0;
  }

  /** The flow's audit rows, oldest first (version history: who and when). */
  auditTrail(flowId: string): Promise<{ at: Date; actor: string; action: string; detail: Record<string, unknown> }[]> {
    return this.dataSource.query(
      `SELECT at, actor, action, detail FROM audit_log WHERE entity_type = 'flow' AND entity_id = $1 ORDER BY id`,
      [flowId],
    );
  }

  /** Per flow: journeys entered and converted since `since`, and live now (the flows list's counts). */
  weeklyStats(since: Date): Promise<{ flow_id: string; entered: number; live: number; converted: number }[]> {
    return this.dataSource.query(
      `SELECT flow_id,
              count(*) FILTER (WHERE entered_at >= $1)::int AS entered,
              count(*) FILTER (WHERE state IN ('waiting', 'running'))::int AS live,
              count(*) FILTER (WHERE state = 'converted' AND ended_at >= $1)::int AS converted
         FROM journeys WHERE state IN ('waiting', 'running') OR entered_at >= $1 OR ended_at >= $1
        GROUP BY flow_id`,
      [since],
    );
  }
}
