/** What `GET /api/flows/:id/experiments` answers: each experiment split of the live version and where it stands. */
import { z } from 'zod';
import { experimentSchema, experimentWinnerSchema } from '../schema';

export const experimentView = z.object({
  nodeId: z.string(),
  version: z.number().int().describe('the live version the experiment runs on'),
  experiment: experimentSchema,
  winner: experimentWinnerSchema.nullable(),
  startedAt: z.string().nullable().describe('the first journey through the split on this version'),
  closesAt: z.string().nullable().describe('startedAt + window; the engine decides at the first tick after it'),
  arms: z.array(
    z.object({
      id: z.string(),
      percent: z.number().int(),
      journeys: z.number().int().describe('treatment journeys that took the arm'),
      successes: z.number().int().describe('… that met the metric'),
      rate: z.number().nullable(),
    }),
  ),
  verdict: z.object({
    winner: z.string().nullable().describe('the arm the test would pick now'),
    reason: z.string(),
    level: z.number().describe('confidence of each comparison after the correction'),
    test: z.string(),
    comparisons: z.array(z.object({ arm: z.string(), against: z.string(), difference: z.number(), low: z.number(), high: z.number() })),
  }),
});
export type ExperimentView = z.infer<typeof experimentView>;
export const experimentsView = z.object({ items: z.array(experimentView) });
export type ExperimentsView = z.infer<typeof experimentsView>;

/** `POST /api/flows/:id/experiments/:nodeId/winner` */
export const pickWinnerBody = z.strictObject({ arm: z.string().min(1).max(64) });
