import { z } from 'zod';

const probability = z.number().min(0).max(1);
const response = z
  .object({
    reach: probability.optional().describe('share of sends delivered'),
    click: probability.optional().describe('share of delivered messages clicked'),
    return: probability.optional().describe('share of delivered messages after which the contact comes back (app_open)'),
    convert: probability.optional().describe('share of returns that reach the flow’s goal event'),
  })
  .strict();
export type ResponseRates = Required<z.infer<typeof response>>;

/**
 * Default response rates per channel, from the seeds: email is cheap and mass with a low open rate, push is precise
 * with a high open rate, SMS has the highest reach (the seed case: 856 of 897 delivered, 68 converted).
 */
export const defaultResponses: Record<'email' | 'push' | 'sms' | 'webhook', ResponseRates> = {
  email: { reach: 0.9, click: 0.03, return: 0.04, convert: 0.3 },
  push: { reach: 0.85, click: 0.12, return: 0.1, convert: 0.35 },
  sms: { reach: 856 / 897, click: 0.1, return: 0.1, convert: 68 / 85.6 },
  webhook: { reach: 1, click: 0, return: 0, convert: 0 },
};

export const simulateBody = z
  .object({
    days: z.number().int().min(1).max(90).describe('virtual days to run'),
    sample: z.number().int().min(1).max(1_000_000).optional().describe('run on this many contacts (a stable sample) instead of all'),
    responses: z
      .object({ email: response.optional(), push: response.optional(), sms: response.optional(), webhook: response.optional() })
      .strict()
      .optional()
      .describe('per-channel response probabilities; missing ones take the defaults'),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31)
      .optional()
      .describe('random seed of the response draws (default 1)'),
  })
  .strict();
export type SimulateBody = z.infer<typeof simulateBody>;

export const simulationParams = z.object({ jobId: z.string().uuid() });
