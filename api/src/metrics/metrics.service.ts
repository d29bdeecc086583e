import { Injectable, NotFoundException } from '@nestjs/common';
import { SettingsService } from '../settings/settings.service';
import { liftReport } from '@boomerang/engine/core/stats/lift';
import { MetricsRepository, REACTIVATION_BUCKETS, type LayerRow } from './metrics.repository';
import { analyseLayer } from '@boomerang/engine/core/stats/layers';
import { flowSettingsSchema } from '@boomerang/engine/core/schema';
import type { MetricsView } from '@boomerang/engine/core/views/metrics';

const ratio = (a: number, b: number): number | null => (b > 0 ? a / b : null);

type ArmView = MetricsView['arms'][string][string];
type LayerView = MetricsView['layers'][number];
const DEFAULT_HOLDOUT_PERCENT = flowSettingsSchema.parse({}).holdoutPercent;

function layerView(r: LayerRow): LayerView {
  const counts = {
    treatment: {
      journeys: r.t_journeys,
      converted: r.t_converted,
      convertedAfterMessage: r.t_converted_after_message,
      messagesSent: r.t_messages_sent,
      costCents: r.t_cost,
    },
    holdout: { journeys: r.h_journeys, converted: r.h_converted },
  };
  return {
    nodeId: r.node_id,
    nodeLabel: r.node_label,
    handle: r.handle,
    ...counts,
    ...analyseLayer(`${r.node_label} → “${r.handle}”`, counts),
  };
}

/** Most incremental conversions per 100 messages first; layers without a figure last, in graph order. */
const byIncrementalPer100 = (a: LayerView, b: LayerView) =>
  (b.incrementalPer100Messages ?? -Infinity) - (a.incrementalPer100Messages ?? -Infinity) || 0;

@Injectable()
export class MetricsService {
  constructor(
    private readonly metrics: MetricsRepository,
    private readonly settings: SettingsService,
  ) {}

  /** The flow's recall funnel, for one version or all; node ids from every version measured. */
  async forFlow(flowId: string, version: number | null): Promise<MetricsView> {
    if (!(await this.metrics.flowExists(flowId))) throw new NotFoundException(`flow "${flowId}" not found`);
    const { attributionWindow } = await this.settings.get();
    const [f, nodes, arms, versions, layers, holdoutPercent, topicUnsubscribes] = await Promise.all([
      this.metrics.funnel(flowId, version, attributionWindow),
      this.metrics.nodes(flowId, version),
      this.metrics.arms(flowId, version),
      this.metrics.versions(flowId),
      this.metrics.layers(flowId, version),
      this.metrics.holdoutPercent(flowId),
      this.metrics.topicUnsubscribes(flowId, version),
    ]);
    const treatmentRate = ratio(f.converted, f.treatment);
    const holdoutRate = ratio(f.holdout_converted, f.holdout);
    const retention = Array.from({ length: 7 }, (_, i) => ratio(f.retention[i] ?? 0, f.returned));
    return {
      flowId,
      version,
      attributionWindow,
      entered: f.entered,
      sent: f.sent,
      delivered: f.delivered,
      clicked: f.clicked,
      returned: f.returned,
      converted: f.converted,
      convertedAfterMessage: f.converted_after_message,
      convertedWithoutMessage: f.converted - f.converted_after_message,
      funnel: [
        { stage: 'entered' as const, count: f.treatment },
        { stage: 'sent' as const, count: f.f_sent },
        { stage: 'delivered' as const, count: f.f_delivered },
        ...(f.clicked > 0 ? [{ stage: 'clicked' as const, count: f.f_clicked }] : []),
        { stage: 'returned' as const, count: f.f_returned },
        { stage: 'convertedAfterMessage' as const, count: f.f_converted },
      ],
      reachRate: ratio(f.delivered, f.sent),
      clickRate: ratio(f.clicked, f.delivered),
      returnRate: ratio(f.returned, f.delivered),
      retention,
      holdout: { size: f.holdout, converted: f.holdout_converted },
      lift: treatmentRate !== null && holdoutRate !== null ? treatmentRate - holdoutRate : null,
      messages: {
        total: f.m_total,
        queued: f.m_queued,
        sent: f.m_sent,
        delivered: f.m_delivered,
        failed: f.m_failed,
        opened: f.m_opened,
        clicked: f.m_clicked,
        unsubscribed: f.m_unsubscribed,
        costCents: f.m_cost,
      },
      unsubscribesByTopic: topicUnsubscribes,
      nodes: Object.fromEntries(
        nodes.map(({ node_id, cost, converted_after_message, ...counts }) => [
          node_id,
          { ...counts, convertedAfterMessage: converted_after_message, costCents: cost },
        ]),
      ),
      // added by issue 11 (the fields above are unchanged)
      treatment: { size: f.treatment, converted: f.converted, conversionRate: treatmentRate },
      holdoutConversionRate: holdoutRate,
      liftAnalysis: liftReport(f.converted, f.treatment, f.holdout_converted, f.holdout),
      // what conversions cost is judged on those that followed a message (organic ones would have come for free)
      cost: {
        totalCents: f.m_cost,
        perConvertedCents: f.converted_after_message > 0 ? f.m_cost / f.converted_after_message : null,
      },
      timeToReactivation: {
        medianHours: f.reactivation_median_hours,
        distribution: REACTIVATION_BUCKETS.map((bucket, i) => ({ bucket, count: f.reactivation_buckets?.[i] ?? 0 })),
      },
      arms: arms.reduce<Record<string, Record<string, ArmView>>>((byNode, { node_id, arm, cost, converted_after_message, ...counts }) => {
        (byNode[node_id] ??= {})[arm] = {
          ...counts,
          convertedAfterMessage: converted_after_message,
          costCents: cost,
          conversionRate: ratio(counts.converted, counts.journeys),
          reachRate: ratio(counts.delivered, counts.sent),
        };
        return byNode;
      }, {}),
      holdoutPercent: holdoutPercent ?? DEFAULT_HOLDOUT_PERCENT,
      layers: layers.map(layerView).sort(byIncrementalPer100),
      versions: versions.map((v) => ({
        version: v.version,
        entered: v.entered,
        treatment: v.treatment,
        converted: v.converted,
        convertedAfterMessage: v.converted_after_message,
        holdout: v.holdout,
        holdoutConverted: v.holdout_converted,
        conversionRate: ratio(v.converted, v.treatment),
      })),
    };
  }
}
