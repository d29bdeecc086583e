/** What the journeys routes answer (`/api/journeys/:id`, a flow's and a contact's journeys). */
import { z } from 'zod';
import { journeyStates } from '../types';

export const journeyState = z.enum(journeyStates);

export const logEntryView = z.object({
  at: z.string(),
  nodeId: z.string(),
  kind: z.string().describe('entered, node, decision, wait, resumed, guardrail, message, delivery, goal, completed, exited, failed'),
  detail: z.record(z.string(), z.unknown()).describe('the values behind the step; `message` rows carry messageId, channel and preview'),
  step: z.number().int().optional().describe('on the `node` row of a visit and the row that follows it: the journey’s step number'),
  delivery: z
    .object({
      status: z.string(),
      sentAt: z.string().nullable(),
      deliveredAt: z.string().nullable(),
      failedAt: z.string().nullable(),
      openedAt: z.string().nullable(),
      clickedAt: z.string().nullable(),
      lastError: z.string().nullable(),
    })
    .optional()
    .describe('on `message` rows: the message’s delivery status now'),
});
export type JourneyLogEntry = z.infer<typeof logEntryView>;

export const journeyView = z.object({
  id: z.string(),
  flowId: z.string(),
  flowName: z.string(),
  version: z.number().int(),
  externalId: z.string(),
  state: journeyState,
  holdout: z.boolean(),
  currentNodeId: z.string(),
  enteredAt: z.string(),
  nextRunAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  log: z.array(logEntryView).optional().describe('the full ordered log (not in per-flow lists)'),
});
export type JourneyView = z.infer<typeof journeyView>;
