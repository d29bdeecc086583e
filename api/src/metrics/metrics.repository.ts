import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { convertedAfterMessageSql, messageCounts as mc } from '@boomerang/engine/runtime';

export interface TopicUnsubscribeRow {
  topic: string;
  name: string | null;
  contacts: number;
}

export interface FunnelRow {
  entered: number;
  treatment: number;
  converted: number;
  converted_after_message: number;
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
  /** hours from a returned journey's first message to its return */
  reactivation_median_hours: number | null;
  reactivation_buckets: number[];
  /** the nested funnel: treatment journeys that passed each stage and every stage before it */
  f_sent: number;
  f_delivered: number;
  f_clicked: number;
  f_returned: number;
  f_converted: number;
}

/** Buckets of `timeToReactivation.distribution`, in the order of `reactivation_buckets`. */
export const REACTIVATION_BUCKETS = ['< 1 h', '1–6 h', '6–24 h', '1–2 d', '2–3 d', '≥ 3 d'] as const;

export interface ArmRow {
  node_id: string;
  arm: string;
  journeys: number;
  converted: number;
  converted_after_message: number;
  sent: number;
  delivered: number;
  clicked: number;
  cost: number;
}

export interface LayerRow {
  node_id: string;
  node_label: string;
  handle: string;
  t_journeys: number;
  t_converted: number;
  t_converted_after_message: number;
  t_messages_sent: number;
  t_cost: number;
  h_journeys: number;
  h_converted: number;
}

export interface VersionRow {
  version: number;
  entered: number;
  treatment: number;
  converted: number;
  converted_after_message: number;
  holdout: number;
  holdout_converted: number;
}

export interface NodeRow {
  node_id: string;
  entered: number;
  journeys: number;
  waiting: number;
  converted: number;
  converted_after_message: number;
  sent: number;
  delivered: number;
  clicked: number;
  cost: number;
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
         SELECT id, contact_id, holdout, state, ${convertedAfterMessageSql('journeys')} AS after_message FROM journeys
          WHERE flow_id = $1 AND ($2::int IS NULL OR flow_version = $2)),
       m AS (
         SELECT journey_id, status, coalesce(sent_at, created_at) AS at, ${mc.sent('messages')} AS sent,
                ${mc.delivered('messages')} AS delivered, ${mc.opened('messages')} AS opened, ${mc.clicked('messages')} AS clicked,
                unsubscribed_at, ${mc.billedCents('messages')} AS billed_cents
           FROM messages WHERE flow_id = $1 AND ($2::int IS NULL OR flow_version = $2)),
       per_journey AS (
         SELECT journey_id, bool_or(sent) AS sent, bool_or(delivered) AS delivered, bool_or(clicked) AS clicked
           FROM m GROUP BY journey_id),
       returned AS (
         SELECT j.id, j.contact_id, min(e.occurred_at) AS at
           FROM j JOIN m ON m.journey_id = j.id
           JOIN events e ON e.contact_id = j.contact_id AND e.is_activity
                        AND e.occurred_at > m.at AND e.occurred_at <= m.at + $3::interval
          WHERE NOT j.holdout
          GROUP BY j.id, j.contact_id),
       reactivation AS (
         SELECT extract(epoch FROM r.at - f.at) / 3600.0 AS hours
           FROM returned r JOIN (SELECT journey_id, min(at) AS at FROM m GROUP BY journey_id) f ON f.journey_id = r.id),
       -- the returned journeys active on day n, joined rather than a correlated EXISTS: Citus refuses a correlated
       -- subquery beside a set-returning function
       active AS (
         SELECT DISTINCT r.id, d.n
           FROM returned r CROSS JOIN generate_series(1, 7) AS d(n)
           JOIN events e ON e.contact_id = r.contact_id AND e.is_activity
                        AND e.occurred_at >= r.at + make_interval(days => d.n)
                        AND e.occurred_at < r.at + make_interval(days => d.n + 1)),
       retention AS (
         SELECT d.n, count(a.id)::int AS active
           FROM generate_series(1, 7) AS d(n) LEFT JOIN active a ON a.n = d.n
          WHERE EXISTS (SELECT 1 FROM returned)
          GROUP BY d.n)
       SELECT
         (SELECT count(*)::int FROM j) AS entered,
         (SELECT count(*)::int FROM j WHERE NOT holdout) AS treatment,
         (SELECT count(*)::int FROM j WHERE NOT holdout AND state = 'converted') AS converted,
         (SELECT count(*)::int FROM j WHERE NOT holdout AND after_message) AS converted_after_message,
         (SELECT count(*)::int FROM j WHERE holdout) AS holdout,
         (SELECT count(*)::int FROM j WHERE holdout AND state = 'converted') AS holdout_converted,
         (SELECT count(*) FILTER (WHERE sent)::int FROM per_journey) AS sent,
         (SELECT count(*) FILTER (WHERE delivered)::int FROM per_journey) AS delivered,
         (SELECT count(*) FILTER (WHERE clicked)::int FROM per_journey) AS clicked,
         (SELECT count(*)::int FROM returned) AS returned,
         f.f_sent, f.f_delivered, f.f_clicked, f.f_returned, f.f_converted,
         (SELECT coalesce(array_agg(active ORDER BY n), '{}') FROM retention) AS retention,
         (SELECT count(*)::int FROM m) AS m_total,
         (SELECT count(*) FILTER (WHERE status = 'queued')::int FROM m) AS m_queued,
         (SELECT count(*) FILTER (WHERE sent)::int FROM m) AS m_sent,
         (SELECT count(*) FILTER (WHERE delivered)::int FROM m) AS m_delivered,
         (SELECT count(*) FILTER (WHERE status = 'failed')::int FROM m) AS m_failed,
         (SELECT count(*) FILTER (WHERE opened)::int FROM m) AS m_opened,
         (SELECT count(*) FILTER (WHERE clicked)::int FROM m) AS m_clicked,
         (SELECT count(*) FILTER (WHERE unsubscribed_at IS NOT NULL)::int FROM m) AS m_unsubscribed,
         (SELECT coalesce(sum(billed_cents), 0)::int FROM m) AS m_cost,
         (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY hours) FROM reactivation)::float8 AS reactivation_median_hours,
         (SELECT ARRAY[count(*) FILTER (WHERE hours < 1), count(*) FILTER (WHERE hours >= 1 AND hours < 6),
                       count(*) FILTER (WHERE hours >= 6 AND hours < 24), count(*) FILTER (WHERE hours >= 24 AND hours < 48),
                       count(*) FILTER (WHERE hours >= 48 AND hours < 72), count(*) FILTER (WHERE hours >= 72)]::int[]
            FROM reactivation) AS reactivation_buckets
       FROM (
         -- a funnel of journeys: each stage counts those of the stage before; clicking is a stage only where someone
         -- clicked (a coupon code in an SMS brings people back without a link)
         SELECT count(*) FILTER (WHERE p.sent)::int AS f_sent,
                count(*) FILTER (WHERE p.sent AND p.delivered)::int AS f_delivered,
                count(*) FILTER (WHERE p.sent AND p.delivered AND p.clicked)::int AS f_clicked,
                count(*) FILTER (WHERE p.sent AND p.delivered AND (p.clicked OR NOT any_click) AND r.id IS NOT NULL)::int AS f_returned,
                count(*) FILTER (WHERE p.sent AND p.delivered AND (p.clicked OR NOT any_click) AND r.id IS NOT NULL
                                   AND j.after_message)::int AS f_converted
           FROM j JOIN per_journey p ON p.journey_id = j.id LEFT JOIN returned r ON r.id = j.id
          CROSS JOIN (SELECT coalesce(bool_or(clicked), false) AS any_click FROM per_journey) k
          WHERE NOT j.holdout) f`,
      [flowId, version, window],
    );
    return row;
  }

  nodes(flowId: string, version: number | null): Promise<NodeRow[]> {
    return this.dataSource.query(
      `WITH j AS (
         SELECT id, state, current_node_id, ${convertedAfterMessageSql('journeys')} AS after_message
           FROM journeys WHERE flow_id = $1 AND ($2::int IS NULL OR flow_version = $2)),
       visits AS (
         SELECT l.node_id, count(*)::int AS entered, count(DISTINCT l.journey_id)::int AS journeys
           FROM journey_log l JOIN j ON j.id = l.journey_id WHERE l.step IS NOT NULL GROUP BY l.node_id),
       here AS (
         SELECT current_node_id AS node_id,
                count(*) FILTER (WHERE state IN ('waiting', 'running'))::int AS waiting,
                count(*) FILTER (WHERE state = 'converted')::int AS converted,
                count(*) FILTER (WHERE after_message)::int AS converted_after_message
           FROM j GROUP BY current_node_id),
       sends AS (
         SELECT node_id,
                count(*) FILTER (WHERE ${mc.sent('messages')})::int AS sent,
                count(*) FILTER (WHERE ${mc.delivered('messages')})::int AS delivered,
                count(*) FILTER (WHERE ${mc.clicked('messages')})::int AS clicked,
                coalesce(sum(${mc.billedCents('messages')}), 0)::int AS cost
           FROM messages WHERE flow_id = $1 AND ($2::int IS NULL OR flow_version = $2) GROUP BY node_id)
       SELECT n.node_id, coalesce(v.entered, 0) AS entered, coalesce(v.journeys, 0) AS journeys,
              coalesce(h.waiting, 0) AS waiting, coalesce(h.converted, 0) AS converted,
              coalesce(h.converted_after_message, 0) AS converted_after_message,
              coalesce(s.sent, 0) AS sent, coalesce(s.delivered, 0) AS delivered, coalesce(s.clicked, 0) AS clicked,
              coalesce(s.cost, 0) AS cost
         FROM (SELECT node_id FROM visits UNION SELECT node_id FROM here UNION SELECT node_id FROM sends) n
         LEFT JOIN visits v USING (node_id) LEFT JOIN here h USING (node_id) LEFT JOIN sends s USING (node_id)
        ORDER BY n.node_id`,
      [flowId, version],
    );
  }

  /**
   * Unsubscribes per topic: contacts who left a topic on the preference page opened from one of the flow's messages
   * (`left_topic` journey log rows, written by `recordTopicsLeft`), with the topic's current name.
   */
  topicUnsubscribes(flowId: string, version: number | null): Promise<TopicUnsubscribeRow[]> {
    return this.dataSource.query(
      `SELECT l.detail->>'topic' AS topic, t.name, count(DISTINCT j.contact_id)::int AS contacts
         FROM journeys j
         -- on the contact too: Citus joins two sharded tables only on the shard key
         JOIN journey_log l ON l.contact_id = j.contact_id AND l.journey_id = j.id AND l.kind = 'unsubscribe' AND l.detail->>'action' = 'left_topic'
         LEFT JOIN topics t ON t.key = l.detail->>'topic'
        WHERE j.flow_id = $1 AND ($2::int IS NULL OR j.flow_version = $2)
        GROUP BY 1, 2 ORDER BY contacts DESC, topic`,
      [flowId, version],
    );
  }

  /**
   * Split arms: the treatment journeys that took each arm of each split condition (the `decision` log row of a split
   * carries the arm as `handle`), their conversions, and the messages they were sent anywhere in the flow.
   */
  arms(flowId: string, version: number | null): Promise<ArmRow[]> {
    return this.dataSource.query(
      `WITH j AS (
         SELECT id, state, ${convertedAfterMessageSql('journeys')} AS after_message FROM journeys
          WHERE flow_id = $1 AND ($2::int IS NULL OR flow_version = $2) AND NOT holdout),
       took AS (
         SELECT DISTINCT l.node_id, l.detail ->> 'handle' AS arm, l.journey_id
           FROM journey_log l JOIN j ON j.id = l.journey_id
          WHERE l.kind = 'decision' AND l.detail ? 'split'),
       sends AS (
         SELECT journey_id,
                bool_or(${mc.sent('messages')}) AS sent,
                bool_or(${mc.delivered('messages')}) AS delivered,
                bool_or(${mc.clicked('messages')}) AS clicked,
                coalesce(sum(${mc.billedCents('messages')}), 0) AS cost
           FROM messages WHERE journey_id IN (SELECT journey_id FROM took) GROUP BY journey_id)
       SELECT t.node_id, t.arm, count(*)::int AS journeys,
              count(*) FILTER (WHERE j.state = 'converted')::int AS converted,
              count(*) FILTER (WHERE j.after_message)::int AS converted_after_message,
              count(*) FILTER (WHERE s.sent)::int AS sent,
              count(*) FILTER (WHERE s.delivered)::int AS delivered,
              count(*) FILTER (WHERE s.clicked)::int AS clicked,
              coalesce(sum(s.cost), 0)::int AS cost
         FROM took t JOIN j ON j.id = t.journey_id LEFT JOIN sends s ON s.journey_id = t.journey_id
        GROUP BY t.node_id, t.arm ORDER BY t.node_id, t.arm`,
      [flowId, version],
    );
  }

  /**
   * Layers: every out handle of every condition (rule, branches, split) that journeys took, with the treatment and
   * the holdout journeys that took it (holdout journeys walk the graph too, they are only sent nothing), their
   * conversions and the treatment's sent messages and cost anywhere in the flow. A journey that passed a condition
   * twice (a loop) counts once per handle it took.
   */
  layers(flowId: string, version: number | null): Promise<LayerRow[]> {
    return this.dataSource.query(
      `WITH conditions AS (
         SELECT DISTINCT ON (n->>'id') n->>'id' AS node_id, coalesce(nullif(n->>'label', ''), n->>'id') AS node_label
           FROM flow_versions v CROSS JOIN jsonb_array_elements(v.graph->'nodes') n
          WHERE v.flow_id = $1 AND ($2::int IS NULL OR v.version = $2) AND n->>'type' = 'condition'
          ORDER BY n->>'id', v.version DESC),
       j AS (
         SELECT id, holdout, state, ${convertedAfterMessageSql('journeys')} AS after_message FROM journeys
          WHERE flow_id = $1 AND ($2::int IS NULL OR flow_version = $2)),
       took AS (
         SELECT DISTINCT l.node_id, l.detail ->> 'handle' AS handle, l.journey_id
           FROM journey_log l JOIN j ON j.id = l.journey_id
          WHERE l.kind = 'decision' AND l.node_id IN (SELECT node_id FROM conditions)),
       sends AS (
         SELECT journey_id, count(*) FILTER (WHERE ${mc.sent('messages')})::int AS sent, sum(${mc.billedCents('messages')}) AS cost
           FROM messages WHERE journey_id IN (SELECT journey_id FROM took) GROUP BY journey_id),
       counted AS (
         SELECT t.node_id, t.handle,
                count(*) FILTER (WHERE NOT j.holdout)::int AS t_journeys,
                count(*) FILTER (WHERE NOT j.holdout AND j.state = 'converted')::int AS t_converted,
                count(*) FILTER (WHERE NOT j.holdout AND j.after_message)::int AS t_converted_after_message,
                coalesce(sum(s.sent) FILTER (WHERE NOT j.holdout), 0)::int AS t_messages_sent,
                coalesce(sum(s.cost) FILTER (WHERE NOT j.holdout), 0)::int AS t_cost,
                count(*) FILTER (WHERE j.holdout)::int AS h_journeys,
                count(*) FILTER (WHERE j.holdout AND j.state = 'converted')::int AS h_converted
           FROM took t JOIN j ON j.id = t.journey_id LEFT JOIN sends s ON s.journey_id = t.journey_id
          GROUP BY t.node_id, t.handle)
       -- the labels last: joined before counting, the planner expected one row of the graph's conditions (a jsonb
       -- expression it cannot estimate), hence one row of the join, and rescanned the sends once per journey
       SELECT x.node_id, c.node_label, x.handle, x.t_journeys, x.t_converted, x.t_converted_after_message, x.t_messages_sent,
              x.t_cost, x.h_journeys, x.h_converted
         FROM counted x JOIN conditions c ON c.node_id = x.node_id ORDER BY x.node_id, x.handle`,
      [flowId, version],
    );
  }

  /** The flow's holdout share (its settings; the workspace default when unset). */
  async holdoutPercent(flowId: string): Promise<number | null> {
    const rows: { p: number | null }[] = await this.dataSource.query(
      `SELECT (settings->>'holdoutPercent')::int AS p FROM flows WHERE id = $1`,
      [flowId],
    );
    return rows[0]?.p ?? null;
  }

  /** Entries and conversions per version of the flow. */
  versions(flowId: string): Promise<VersionRow[]> {
    return this.dataSource.query(
      `SELECT flow_version AS version, count(*)::int AS entered,
              count(*) FILTER (WHERE NOT holdout)::int AS treatment,
              count(*) FILTER (WHERE NOT holdout AND state = 'converted')::int AS converted,
              count(*) FILTER (WHERE NOT holdout AND ${convertedAfterMessageSql('journeys')})::int AS converted_after_message,
              count(*) FILTER (WHERE holdout)::int AS holdout,
              count(*) FILTER (WHERE holdout AND state = 'converted')::int AS holdout_converted
         FROM journeys WHERE flow_id = $1 GROUP BY flow_version ORDER BY flow_version`,
      [flowId],
    );
  }

  async flowExists(flowId: string): Promise<boolean> {
    return (await this.dataSource.query(`SELECT 1 FROM flows WHERE id = $1`, [flowId])).length > 0;
  }
}
