import { z } from 'zod';
import { isValidDuration } from '@boomerang/engine';

/** `POST /api/clock/advance` */
export const advanceBody = z.strictObject({
  by: z.string().refine((v) => isValidDuration(v), 'must be an ISO 8601 duration such as P7D or PT1H'),
});

export const clockView = z.object({ now: z.string().describe('ISO 8601 instant'), kind: z.enum(['system', 'virtual']) });
export const advanceView = z.object({ now: z.string(), ticks: z.number().int(), steps: z.number().int(), sent: z.number().int() });
