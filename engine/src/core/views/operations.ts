/** What the health, operations and clock routes answer. */
import { z } from 'zod';

/** `GET /api/health`: liveness and a database round trip. */
export const healthView = z.object({ status: z.literal('ok') });
export type HealthView = z.infer<typeof healthView>;

/** `GET /api/health/details` (the service builds it). */
export const operationsView = z.object({
  now: z.string().describe('engine clock'),
  overdueAfterSeconds: z.number().int(),
  journeys: z.object({ overdue: z.number().int() }),
  messages: z.object({ overdue: z.number().int(), failedAfterRetries: z.number().int(), failedAfterRetriesLastDay: z.number().int() }),
  receipts: z.object({
    unmatched: z
      .number()
      .int()
      .describe('provider receipts kept longer than overdueAfterSeconds because no message carries their provider id'),
    oldestReceivedAt: z.string().nullable(),
  }),
  enrollment: z.object({
    slowFlows: z.number().int(),
    flows: z.array(z.object({ flowId: z.string(), name: z.string(), waiting: z.number().int(), oldestReceivedAt: z.string() })),
  }),
  rateLimits: z
    .array(
      z.object({
        channel: z.string(),
        limit: z.number().int(),
        per: z.enum(['s', 'm', 'h', 'd']).describe('second, minute, hour, day'),
        sentInWindow: z.number().int().describe('messages sent in the last window of `per` (the current rate)'),
        backlog: z.number().int().describe('queued messages of the channel that are due (waiting for room)'),
      }),
    )
    .optional()
    .describe('provider rate limits in force, one item per limit (always sent; optional for older servers)'),
  rateLimitsFrom: z
    .enum(['environment', 'settings'])
    .optional()
    .describe('where the limits in force come from: SEND_RATE_LIMITS (it wins when set) or the workspace settings'),
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
export type OperationsView = z.infer<typeof operationsView>;

export const clockView = z.object({ now: z.string().describe('ISO 8601 instant'), kind: z.enum(['system', 'virtual']) });
export const advanceView = z.object({ now: z.string(), ticks: z.number().int(), steps: z.number().int(), sent: z.number().int() });
export type ClockView = z.infer<typeof clockView>;
export type AdvanceView = z.infer<typeof advanceView>;
