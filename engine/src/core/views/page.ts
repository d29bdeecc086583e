/** The list envelope every list route answers: `{items, nextCursor}`. */
import { z } from 'zod';

export const pageView = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable().describe('pass back as ?cursor= for the next page') });

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
