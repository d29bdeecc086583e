import { z } from 'zod';

/** `GET /api/health/details` (the OpenAPI document's schema; the service builds it). */
export const operationsView = z.object({
  now: z.string().describe('engine clock'),
  overdueAfterSeconds: z.number().int(),
  journeys: z.object({ overdue: z.number().int() }),
  messages: z.object({ overdue: z.number().int(), failedAfterRetries: z.number().int(), failedAfterRetriesLastDay: z.number().int() }),
  enrollment: z.object({
    slowFlows: z.number().int(),
    flows: z.array(z.object({ flowId: z.string(), name: z.string(), waiting: z.number().int(), oldestReceivedAt: z.string() })),
  }),
  engine: z.object({
    alive: z.number().int(),
    aliveAfterSeconds: z.number().int(),
    processes: z.array(
      z.object({
        id: z.string(),
        hostname: z.string(),
        pid: z.number().int(),
        startedAt: z.string(),
        seenAt: z.string(),
        lastTickAt: z.string().nullable(),
        ticks: z.number().int(),
        lastTickMs: z.number().int().nullable(),
        lastError: z.string().nullable(),
        secondsSinceSeen: z.number(),
        alive: z.boolean(),
      }),
    ),
  }),
});
