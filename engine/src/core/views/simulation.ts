/** What the simulator answers (`POST /api/flows/:id/simulate`, `GET …/simulations/:jobId`). */
import { z } from 'zod';

const counts = z.object({ sent: z.number().int(), delivered: z.number().int(), costCents: z.number().int() });
/** `GET /api/flows/:id/simulations/:jobId` (and the 202 of `POST …/simulate`). */
export const simulationJobView = z.object({
  jobId: z.string().uuid(),
  flowId: z.string().uuid(),
  status: z.enum(['running', 'done', 'failed']),
  createdAt: z.string(),
  progress: z
    .object({ hoursDone: z.number().int(), hours: z.number().int(), percent: z.number().int(), virtualNow: z.string() })
    .nullable(),
  error: z.string().nullable(),
  report: z
    .object({
      flowId: z.string(),
      version: z.number().int(),
      days: z.number().int(),
      start: z.string(),
      end: z.string(),
      contacts: z.number().int(),
      assumptions: z.string(),
      responses: z.record(z.string(), z.object({ reach: z.number(), click: z.number(), return: z.number(), convert: z.number() })),
      entries: z.object({ total: z.number().int(), treatment: z.number().int(), holdout: z.number().int() }),
      sends: z.object({
        byChannel: z.record(z.string(), counts),
        byDay: z.array(counts.extend({ day: z.number().int(), channel: z.string() })),
      }),
      costCents: z.number().int(),
      returns: z.number().int(),
      conversions: z.object({
        treatment: z.number().int(),
        treatmentAfterMessage: z.number().int().describe('treatment conversions after at least one message was sent'),
        holdout: z.number().int(),
        treatmentRate: z.number().nullable(),
        holdoutRate: z.number().nullable(),
      }),
      nodes: z.record(
        z.string(),
        z.object({
          entered: z.number().int(),
          sent: z.number().int(),
          delivered: z.number().int(),
          clicked: z.number().int(),
          returns: z.number().int(),
          conversions: z.number().int(),
          costCents: z.number().int(),
        }),
      ),
      elapsedMs: z.number().int(),
    })
    .nullable(),
});
export type SimulationJob = z.infer<typeof simulationJobView>;
export type SimulationReport = NonNullable<SimulationJob['report']>;
