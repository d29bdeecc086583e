import { z } from 'zod';

export const metricsQuery = z.object({ version: z.coerce.number().int().min(1).optional() }).strict();
export type MetricsQuery = z.infer<typeof metricsQuery>;

const rate = z.number().nullable().describe('0–1; null when the denominator is 0');

export const metricsView = z.object({
  flowId: z.string(),
  version: z.number().int().nullable().describe('the version measured; null = all versions'),
  attributionWindow: z.string(),
  entered: z.number().int().describe('journeys that entered (treatment and holdout)'),
  sent: z.number().int().describe('treatment journeys with at least one message sent'),
  delivered: z.number().int().describe('… with at least one message delivered'),
  clicked: z.number().int().describe('… with at least one message clicked'),
  returned: z.number().int().describe('… whose contact had an activity event within the attribution window after one of its messages'),
  converted: z.number().int().describe('treatment journeys that reached a goal'),
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
  nodes: z.record(
    z.string(),
    z.object({
      entered: z.number().int().describe('visits (journey_log `node` rows)'),
      journeys: z.number().int().describe('distinct journeys that visited'),
      waiting: z.number().int().describe('live journeys at this node now'),
      converted: z.number().int().describe('journeys that converted at this node'),
      sent: z.number().int(),
      delivered: z.number().int(),
      clicked: z.number().int(),
      costCents: z.number().int().describe('cost of the messages sent from this node (escalation hops included)'),
    }),
  ),
});
