/** What `GET /api/flows/:id/metrics` answers: the recall funnel, retention, holdout lift, per-node and per-arm counts. */
import { z } from 'zod';

const rate = z.number().nullable().describe('0–1; null when the denominator is 0');
const interval = z.object({ low: z.number(), high: z.number() });

export const metricsView = z.object({
  flowId: z.string(),
  version: z.number().int().nullable().describe('the version measured; null = all versions'),
  attributionWindow: z.string(),
  entered: z.number().int().describe('journeys that entered (treatment and holdout)'),
  sent: z.number().int().describe('treatment journeys with at least one message sent'),
  delivered: z.number().int().describe('… with at least one message delivered'),
  clicked: z.number().int().describe('… with at least one message clicked'),
  returned: z.number().int().describe('… whose contact had an activity event within the attribution window after one of its messages'),
  converted: z.number().int().describe('treatment journeys that met a goal (with or without a message)'),
  convertedAfterMessage: z
    .number()
    .int()
    .describe('treatment journeys that met a goal after at least one of their messages was sent (the funnel’s last stage)'),
  convertedWithoutMessage: z.number().int().describe('treatment journeys that met a goal before any message was sent (organic)'),
  funnel: z
    .array(
      z.object({
        stage: z.enum(['entered', 'sent', 'delivered', 'clicked', 'returned', 'convertedAfterMessage']),
        count: z.number().int(),
      }),
    )
    .describe(
      'the recall funnel of treatment journeys, each stage counting those of the stage before (never rising); `clicked` only when someone clicked',
    ),
  reachRate: rate.describe('delivered / sent'),
  clickRate: rate.describe('clicked / delivered'),
  returnRate: rate.describe('returned / delivered'),
  retention: z.array(rate).length(7).describe('d1..d7: share of returned contacts active on day N after their return'),
  holdout: z.object({ size: z.number().int(), converted: z.number().int() }),
  lift: rate.describe('converted rate of treatment − converted rate of holdout; null without both groups'),
  messages: z.object({
    total: z.number().int(),
    queued: z.number().int(),
    sent: z.number().int(),
    delivered: z.number().int(),
    failed: z.number().int(),
    opened: z.number().int(),
    clicked: z.number().int(),
    unsubscribed: z.number().int(),
    costCents: z.number().int(),
  }),
  unsubscribesByTopic: z
    .array(
      z.object({
        topic: z.string().describe('the topic key'),
        name: z.string().nullable().describe('its name in Settings → Topics; null when the topic is no longer defined'),
        contacts: z.number().int().describe('contacts who left it on the preference page a message of this flow linked to'),
      }),
    )
    .describe('unsubscribes per topic this flow’s messages led to (the preference page’s boxes or Leave everything), most first'),
  nodes: z.record(
    z.string(),
    z.object({
      entered: z.number().int().describe('visits (journey_log `node` rows)'),
      journeys: z.number().int().describe('distinct journeys that visited'),
      waiting: z.number().int().describe('live journeys at this node now'),
      converted: z.number().int().describe('journeys that converted at this node'),
      convertedAfterMessage: z.number().int().describe('… of which after at least one message of the journey was sent'),
      sent: z.number().int(),
      delivered: z.number().int(),
      clicked: z.number().int(),
      costCents: z.number().int().describe('cost of the messages sent from this node (escalation hops included)'),
    }),
  ),
  treatment: z.object({ size: z.number().int(), converted: z.number().int(), conversionRate: rate }),
  holdoutConversionRate: rate,
  liftAnalysis: z
    .object({
      absolute: z.number().nullable().describe('treatment conversion rate − holdout conversion rate'),
      absoluteInterval: interval.nullable().describe('95 %, Newcombe hybrid score (method 10)'),
      relative: z.number().nullable().describe('treatment rate / holdout rate − 1'),
      relativeInterval: interval.nullable().describe('95 %, Katz log interval of the risk ratio, minus 1'),
      method: z.string(),
      sufficient: z.boolean().describe('false: too few contacts or conversions to state a result'),
      summary: z.string().describe('the finding, or why there is none, in one sentence'),
    })
    .describe('incremental lift over the holdout'),
  cost: z.object({
    totalCents: z.number().int().describe('sum of messages.cost_cents of sent and delivered messages'),
    perConvertedCents: z.number().nullable().describe('totalCents / convertedAfterMessage'),
  }),
  timeToReactivation: z.object({
    medianHours: z.number().nullable().describe('from a returned journey’s first message to its return'),
    distribution: z.array(z.object({ bucket: z.string(), count: z.number().int() })),
  }),
  arms: z
    .record(
      z.string(),
      z.record(
        z.string(),
        z.object({
          journeys: z.number().int(),
          converted: z.number().int(),
          convertedAfterMessage: z.number().int(),
          sent: z.number().int(),
          delivered: z.number().int(),
          clicked: z.number().int(),
          costCents: z.number().int(),
          conversionRate: rate,
          reachRate: rate,
        }),
      ),
    )
    .describe('per split node, per arm: treatment journeys that took the arm'),
  holdoutPercent: z.number().int().describe('share of entering contacts this flow holds out (every lift figure depends on it)'),
  layers: z
    .array(
      z.object({
        nodeId: z.string(),
        nodeLabel: z.string(),
        handle: z.string().describe('yes / no, a branch id or else, a split arm'),
        treatment: z.object({
          journeys: z.number().int(),
          converted: z.number().int(),
          convertedAfterMessage: z.number().int(),
          messagesSent: z.number().int(),
          costCents: z.number().int(),
        }),
        holdout: z.object({ journeys: z.number().int(), converted: z.number().int() }),
        absolute: z.number().nullable().describe('treatment rate − holdout rate (intent-to-treat)'),
        absoluteInterval: interval.nullable().describe('95 %, Newcombe hybrid score (method 10)'),
        sufficient: z.boolean(),
        incrementalConversions: z.number().nullable(),
        incrementalPer100Messages: z.number().nullable(),
        costPerIncrementalConversionCents: z.number().nullable().describe('null unless the interval lies above zero'),
        verdict: z.enum(['worth', 'unclear', 'not_worth']),
        sentence: z.string(),
      }),
    )
    .describe('lift per condition branch and split arm, sorted by incremental conversions per 100 messages'),
  versions: z.array(
    z.object({
      version: z.number().int(),
      entered: z.number().int(),
      treatment: z.number().int(),
      converted: z.number().int(),
      convertedAfterMessage: z.number().int(),
      holdout: z.number().int(),
      holdoutConverted: z.number().int(),
      conversionRate: rate,
    }),
  ),
});
export type MetricsView = z.infer<typeof metricsView>;
