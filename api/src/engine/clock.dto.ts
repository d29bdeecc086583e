import { z } from 'zod';
import { isValidDuration } from '@boomerang/engine';

/** `POST /api/clock/advance` */
export const advanceBody = z.strictObject({
  by: z.string().refine((v) => isValidDuration(v), 'must be an ISO 8601 duration such as P7D or PT1H'),
});
