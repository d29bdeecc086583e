import { Injectable } from '@nestjs/common';
import { csvLine } from '../common/csv';
import { MetricsService } from '../metrics/metrics.service';
import { ExportsRepository } from './exports.repository';

const PAGE = 2_000;

/** CSV documents as async line generators: the controller writes them with backpressure, page by page. */
@Injectable()
export class ExportsService {
  constructor(
    private readonly exports: ExportsRepository,
    private readonly metrics: MetricsService,
  ) {}

  flowExists(flowId: string): Promise<boolean> {
    return this.exports.flowExists(flowId);
  }

  async *journeys(flowId: string): AsyncGenerator<string> {
    yield csvLine(['journey_id', 'version', 'external_id', 'state', 'holdout', 'current_node_id', 'entered_at', 'next_run_at', 'ended_at']);
    for (let after: { enteredKey: string; id: string } | null = null; ;) {
      const page = await this.exports.journeysPage(flowId, after, PAGE);
      for (const r of page)
        yield csvLine([
          r.id,
          r.flow_version,
          r.external_id,
          r.state,
          r.holdout,
          r.current_node_id,
          r.entered_at,
          r.next_run_at,
          r.ended_at,
        ]);
      if (page.length < PAGE) return;
      const last = page[page.length - 1];
      after = { enteredKey: last.entered_key, id: last.id };
    }
  }

  async *messages(flowId: string): AsyncGenerator<string> {
    const columns = [
      'id',
      'journey_id',
      'flow_version',
      'external_id',
      'node_id',
      'channel',
      'status',
      'cost_cents',
      'attempts',
      'created_at',
      'sent_at',
      'delivered_at',
      'failed_at',
      'opened_at',
      'clicked_at',
      'unsubscribed_at',
      'last_error',
    ] as const;
    yield csvLine([...columns]);
    for (let after: string | null = null; ;) {
      const page = await this.exports.messagesPage(flowId, after, PAGE);
      for (const r of page) yield csvLine(columns.map((c) => r[c]));
      if (page.length < PAGE) return;
      after = page[page.length - 1].id;
    }
  }

  /** The metrics document in long form: `scope,id,metric,value` (flow, retention, topic, node, arm, version, reactivation). */
  async *metricsCsv(flowId: string, version: number | null): AsyncGenerator<string> {
    const m = await this.metrics.forFlow(flowId, version);
    yield csvLine(['scope', 'id', 'metric', 'value']);
    const flat: [string, unknown][] = [
      ['entered', m.entered],
      ['sent', m.sent],
      ['delivered', m.delivered],
      ['reachRate', m.reachRate],
      ['clicked', m.clicked],
      ['clickRate', m.clickRate],
      ['returned', m.returned],
      ['returnRate', m.returnRate],
      ['converted', m.converted],
      ['convertedAfterMessage', m.convertedAfterMessage],
      ['convertedWithoutMessage', m.convertedWithoutMessage],
      ['treatmentSize', m.treatment.size],
      ['treatmentConversionRate', m.treatment.conversionRate],
      ['holdoutSize', m.holdout.size],
      ['holdoutConverted', m.holdout.converted],
      ['holdoutConversionRate', m.holdoutConversionRate],
      ['liftAbsolute', m.liftAnalysis.absolute],
      ['liftAbsoluteLow95', m.liftAnalysis.absoluteInterval?.low],
      ['liftAbsoluteHigh95', m.liftAnalysis.absoluteInterval?.high],
      ['liftRelative', m.liftAnalysis.relative],
      ['liftRelativeLow95', m.liftAnalysis.relativeInterval?.low],
      ['liftRelativeHigh95', m.liftAnalysis.relativeInterval?.high],
      ['liftSummary', m.liftAnalysis.summary],
      ['costCents', m.cost.totalCents],
      ['costPerConvertedCents', m.cost.perConvertedCents],
      ['reactivationMedianHours', m.timeToReactivation.medianHours],
      ['holdoutPercent', m.holdoutPercent],
    ];
    for (const [metric, value] of flat) yield csvLine(['flow', version ?? 'all', metric, value]);
    for (const [i, r] of m.retention.entries()) yield csvLine(['retention', `d${i + 1}`, 'share', r]);
    for (const t of m.unsubscribesByTopic) yield csvLine(['topic', t.topic, 'unsubscribedContacts', t.contacts]);
    for (const d of m.timeToReactivation.distribution) yield csvLine(['reactivation', d.bucket, 'returned', d.count]);
    for (const [nodeId, counts] of Object.entries(m.nodes)) {
      for (const [metric, value] of Object.entries(counts)) yield csvLine(['node', nodeId, metric, value]);
    }
    for (const [nodeId, arms] of Object.entries(m.arms)) {
      for (const [arm, counts] of Object.entries(arms)) {
        for (const [metric, value] of Object.entries(counts)) yield csvLine(['arm', `${nodeId}/${arm}`, metric, value]);
      }
    }
    for (const l of m.layers) {
      const id = `${l.nodeId}/${l.handle}`;
      const figures: [string, unknown][] = [
        ['treatmentJourneys', l.treatment.journeys],
        ['treatmentConverted', l.treatment.converted],
        ['treatmentConvertedAfterMessage', l.treatment.convertedAfterMessage],
        ['messagesSent', l.treatment.messagesSent],
        ['costCents', l.treatment.costCents],
        ['holdoutJourneys', l.holdout.journeys],
        ['holdoutConverted', l.holdout.converted],
        ['liftAbsolute', l.absolute],
        ['liftAbsoluteLow95', l.absoluteInterval?.low],
        ['liftAbsoluteHigh95', l.absoluteInterval?.high],
        ['incrementalPer100Messages', l.incrementalPer100Messages],
        ['costPerIncrementalConversionCents', l.costPerIncrementalConversionCents],
        ['verdict', l.verdict],
      ];
      for (const [metric, value] of figures) yield csvLine(['layer', id, metric, value]);
    }
    for (const v of m.versions) {
      for (const [metric, value] of Object.entries(v)) if (metric !== 'version') yield csvLine(['version', v.version, metric, value]);
    }
  }
}
