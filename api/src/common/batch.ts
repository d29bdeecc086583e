import type { z } from 'zod';
import { badRequest } from './http-errors';
import { findUnstorable } from './storable-json';
import { fieldErrors, summarize } from './zod-errors';

export const MAX_BATCH = 10_000;

export interface Rejected {
  index: number;
  error: string;
}

export interface BatchResult {
  accepted: number;
  rejected: Rejected[];
}

/**
 * A batch body is a JSON array of at most MAX_BATCH items. The whole request is a 400 when the body is not such an
 * array; otherwise every item is validated on its own (first for what cannot be stored: storable-json.ts) and the bad ones come back as `{index, error}`.
 */
export function splitBatch<S extends z.ZodType>(
  body: unknown,
  item: S,
): { valid: { index: number; value: z.output<S> }[]; rejected: Rejected[] } {
  if (!Array.isArray(body)) {
    throw badRequest([{ path: 'body', message: 'body: expected a JSON array of items' }]);
  }
  if (body.length === 0) throw badRequest([{ path: 'body', message: 'body: the batch is empty' }]);
  if (body.length > MAX_BATCH) {
    throw badRequest([{ path: 'body', message: `body: a batch holds at most ${MAX_BATCH} items (got ${body.length}); split it` }]);
  }
  const valid: { index: number; value: z.output<S> }[] = [];
  const rejected: Rejected[] = [];
  body.forEach((raw, index) => {
    const unstorable = findUnstorable(raw, [index]);
    if (unstorable) return void rejected.push({ index, error: unstorable.message });
    const parsed = item.safeParse(raw);
    if (parsed.success) valid.push({ index, value: parsed.data });
    else rejected.push({ index, error: summarize(fieldErrors(parsed.error.issues, [index])) });
  });
  return { valid, rejected };
}
