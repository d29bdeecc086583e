import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface FunnelRow {
  entered: number;
  treatment: number;
  converted: number;
  holdout: number;
  holdout_converted: number;
  sent: number;
  delivered: number;
  clicked: number;
  returned: number;
  retention: number[];
  m_total: number;
  m_queued: number;
  m_sent: number;
  m_delivered: number;
  m_failed: number;
  m_opened: number;
  m_clicked: number;
  m_unsubscribed: number;
  m_cost: number;
}

export interface NodeRow {
  node_id: string;
  entered: number;
  journeys: number;
  waiting: number;
  converted: number;
  sent: number;
  delivered: number;
  clicked: number;
  cost_cents: number;
}

/**
 * The recall funnel in SQL aggregates (seed definitions), never row by row in Node. `returned` = a treatment journey
 * whose contact had an activity event within the attribution window after one of the journey's messages (sent, else
 * queued time); retention dN = share of returned journeys whose contact was active in [return + N days, + N+1 days).
 */
@Injectable()
export class MetricsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async funnel(flowId: string, version: number | null, window: string): Promise<FunnelRow> {
    const [row]: FunnelRow[] = await this.dataSource.query(
      `WITH j AS (
         SELECT id, contact_id, holdout, state FROM journeys
          WHERE flow_id = $1 AND ($2::int IS NULL OR flow_version = $2)),
       m AS (
         SELECT journey_id, status, coalesce(sent_at, created_at) AS at, sent_at, delivered_at, opened_at, clicked_at,
                unsubscribed_at, cost_cents
           FROM messages WHERE flow_id = $1 AND ($2::int IS NULL OR flow_version = $2)),
       per_journey AS (
         SELECT journey_id,
                bool_or(status IN ('sent', 'delivered')) AS sent,
                bool_or(status = 'delivered') AS delivered,
                bool_or(clicked_at IS NOT NULL) AS clicked
           FROM m GROUP BY journey_id),
       returned AS (
         SELECT j.id, j.contact_id, min(e.occurred_at) AS at
           FROM j JOIN m ON m.journey_id = j.id
           JOIN events e ON e.contact_id = j.contact_id AND e.is_activity
                        AND e.occurred_at > m.at AND e.occurred_at <= m.at + $3::interval
          WHERE NOT j.holdout
          GROUP BY j.id, j.contact_id),
       retention AS (
         SELECT d.n, count(*) FILTER (WHERE EXISTS (
                  SELECT 1 FROM events e
                   WHERE e.contact_id = r.contact_id AND e.is_activity
                     AND e.occurred_at >= r.at + make_interval(days => d.n)
                     AND e.occurred_at < r.at + make_interval(days => d.n + 1)))::int AS active
           FROM generate_series(1, 7) AS d(n) CROSS JOIN returned r
          GROUP BY d.n)
       SELECT
         (SELECT count(*)::int FROM j) AS entered,
         (SELECT count(*)::int FROM j WHERE NOT holdout) AS treatment,
         (SELECT count(*)::int FROM j WHERE NOT holdout AND state = 'converted') AS converted,
         (SELECT count(*)::int FROM j WHERE holdout) AS holdout,
         (SELECT count(*)::int FROM j WHERE holdout AND state = 'converted') AS holdout_converted,
         (SELECT count(*) FILTER (WHERE sent)::int FROM per_journey) AS sent,
         (SELECT count(*) FILTER (WHERE delivered)::int FROM per_journey) AS delivered,
         (SELECT count(*) FILTER (WHERE clicked)::int FROM per_journey) AS clicked,
         (SELECT count(*)::int FROM returned) AS returned,
         (SELECT coalesce(array_agg(active ORDER BY n), '{}') FROM retention) AS retention,
         (SELECT count(*)::int FROM m) AS m_total,
         (SELECT count(*) FILTER (WHERE status = 'queued')::int FROM m) AS m_queued,
         (SELECT count(*) FILTER (WHERE status IN ('sent', 'delivered'))::int FROM m) AS m_sent,
         (SELECT count(*) FILTER (WHERE status = 'delivered')::int FROM m) AS m_delivered,
         (SELECT count(*) FILTER (WHERE status = 'failed')::int FROM m) AS m_failed,
         (SELECT count(*) FILTER (WHERE opened_at IS NOT NULL)::int FROM m) AS m_opened,
         (SELECT count(*) FILTER (WHERE clicked_at IS NOT NULL)::int FROM m) AS m_clicked,
         (SELECT count(*) FILTER (WHERE unsubscribed_at IS NOT NULL)::int FROM m) AS m_unsubscribed,
         (SELECT coalesce(sum(cost_cents) FILTER (WHERE status IN ('sent', 'delivered')), 0)::int FROM m) AS m_cost`,
      [flowId, version, window],
    );
    return row;
  }

  nodes(flowId: string, version: number | null): Promise<NodeRow[]> {
    return this.dataSource.query(
      `WITH j AS (
         SELECT id, state, current_node_id FROM journeys WHERE flow_id = $1 AND ($2::int IS NULL OR flow_version = $2)),
       visits AS (
         SELECT l.node_id, count(*)::int AS entered, count(DISTINCT l.journey_id)::int AS journeys
           FROM journey_log l JOIN j ON j.id = l.journey_id WHERE l.kind = 'node' GROUP BY l.node_id),
       here AS (
         SELECT current_node_id AS node_id,
                count(*) FILTER (WHERE state IN ('waiting', 'running'))::int AS waiting,
                count(*) FILTER (WHERE state = 'converted')::int AS converted
           FROM j GROUP BY current_node_id),
       sends AS (
         SELECT node_id,
                count(*) FILTER (WHERE status IN ('sent', 'delivered'))::int AS sent,
                count(*) FILTER (WHERE status = 'delivered')::int AS delivered,
                count(*) FILTER (WHERE clicked_at IS NOT NULL)::int AS clicked,
                coalesce(sum(cost_cents) FILTER (WHERE status IN ('sent', 'delivered')), 0)::int AS cost_cents
           FROM messages WHERE flow_id = $1 AND ($2::int IS NULL OR flow_version = $2) GROUP BY node_id)
       SELECT n.node_id, coalesce(v.entered, 0) AS entered, coalesce(v.journeys, 0) AS journeys,
              coalesce(h.waiting, 0) AS waiting, coalesce(h.converted, 0) AS converted,
              coalesce(s.sent, 0) AS sent, coalesce(s.delivered, 0) AS delivered, coalesce(s.clicked, 0) AS clicked,
              coalesce(s.cost_cents, 0) AS cost_cents
         FROM (SELECT node_id FROM visits UNION SELECT node_id FROM here UNION SELECT node_id FROM sends) n
         LEFT JOIN visits v USING (node_id) LEFT JOIN here h USING (node_id) LEFT JOIN sends s USING (node_id)
        ORDER BY n.node_id`,
      [flowId, version],
    );
  }

  async flowExists(flowId: string): Promise<boolean> {
    return (await this.dataSource.query(`SELECT 1 FROM flows WHERE id = $1`, [flowId])).length > 0;
  }
}
