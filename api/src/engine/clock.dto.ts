import { z } from 'zod';
import { isValidDuration } from '@boomerang/engine';

/** `POST /api/clock/advance`: `{"by":"P7D"}` (a duration) or `{"to":"2030-01-01T09:00:00Z"}` (an instant), not both. */
export const advanceBody = z
  .strictObject({
    by: z
      .string()
      .refine((v) => isValidDuration(v), 'must be an ISO 8601 duration such as P7D or PT1H')
      .optional(),
    to: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 instant such as 2030-01-01T09:00:00Z' }).optional(),
  })
  .refine((b) => (b.by === undefined) !== (b.to === undefined), {
    message: 'give either "by" (a duration) or "to" (an instant)',
    path: ['by'],
  });
