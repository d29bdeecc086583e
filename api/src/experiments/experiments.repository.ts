import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { convertedAfterMessageSql } from '@boomerang/engine/runtime';
import type { FlowGraphDocument } from '@boomerang/engine';
import type { Experiment } from '@boomerang/engine/core/schema';

export interface ArmCountRow {
  arm: string;
  journeys: number;
  successes: number;
  started_at: Date | null;
}

export interface LiveVersionRow {
  flow_id: string;
  version: number;
  current_version: number;
  graph: FlowGraphDocument;
}

/**
 * What success means per experiment metric, over a treatment journey `j` (one definition with the metrics). Each
 * names the journey's contact: Citus joins sharded tables only on the shard key.
 */
const successSql: Record<Experiment['metric'], string> = {
  convertedAfterMessage: convertedAfterMessageSql('j'),
  clicked: `EXISTS (SELECT 1 FROM messages m WHERE m.contact_id = j.contact_id AND m.journey_id = j.id AND m.clicked_at IS NOT NULL)`,
  returned: `EXISTS (SELECT 1 FROM messages m JOIN events e ON e.contact_id = m.contact_id AND e.is_activity
                       AND e.occurred_at > coalesce(m.sent_at, m.created_at)
                       AND e.occurred_at <= coalesce(m.sent_at, m.created_at) + $4::interval
                      WHERE m.contact_id = j.contact_id AND m.journey_id = j.id)`,
};

/** Read-only: live versions with experiments, and per-arm counts from the journey log (the engine writes them). */
@Injectable()
export class ExperimentsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The live version of one flow (or of every active flow whose live graph holds an undecided experiment). */
  liveVersions(flowId: string | null): Promise<LiveVersionRow[]> {
    return this.dataSource.query(
      `SELECT f.id AS flow_id, v.version, f.current_version, v.graph
         FROM flows f JOIN flow_versions v ON v.flow_id = f.id AND v.version = f.live_version
        WHERE ($1::uuid IS NOT NULL AND f.id = $1::uuid)
           OR ($1::uuid IS NULL AND f.status = 'active' AND EXISTS (
                 SELECT 1 FROM jsonb_array_elements(v.graph->'nodes') n
                  WHERE n->'data' ? 'experiment' AND NOT n->'data' ? 'winner'))`,
      [flowId],
    );
  }

  /**
   * Treatment journeys of the version that took each arm of the split (their first decision there), how many met
   * the metric, and when the first of them passed.
   */
  armCounts(
    flowId: string,
    version: number,
    nodeId: string,
    metric: Experiment['metric'],
    attributionWindow: string,
  ): Promise<ArmCountRow[]> {
    return this.dataSource.query(
      // success judged on the journeys themselves, not on the CTE: Citus refuses a correlated subquery over a CTE
      `WITH j AS (
         SELECT j.id, ${successSql[metric]} AS success FROM journeys j WHERE j.flow_id = $1 AND j.flow_version = $2 AND NOT j.holdout),
       took AS (
         SELECT DISTINCT ON (l.journey_id) l.journey_id, l.detail->>'handle' AS arm, l.at
           FROM journey_log l JOIN j ON j.id = l.journey_id
          WHERE l.kind = 'decision' AND l.node_id = $3
          ORDER BY l.journey_id, l.id)
       SELECT t.arm, count(*)::int AS journeys, count(*) FILTER (WHERE j.success)::int AS successes, min(t.at) AS started_at
         FROM took t JOIN j ON j.id = t.journey_id
        -- ($4 is read by the returned metric only; named here so its type is known to every metric)
        WHERE $4::interval IS NOT NULL
        GROUP BY t.arm`,
      [flowId, version, nodeId, attributionWindow],
    );
  }
}
