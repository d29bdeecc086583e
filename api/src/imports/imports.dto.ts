import { z } from 'zod';

/** One NDJSON line of `POST /api/imports/:kind`, and `GET /api/imports/:id`. */
export const importProgressView = z.object({
  importId: z.string().uuid(),
  kind: z.enum(['contacts', 'events']),
  status: z.enum(['running', 'done', 'failed']),
  rows: z.number().int().describe('data rows read (the header is line 1 and not a row)'),
  accepted: z.number().int(),
  rejected: z.number().int(),
  bytes: z.number().int(),
  totalBytes: z.number().int().nullable().describe('Content-Length of the upload'),
  percent: z.number().int().nullable(),
  startedAt: z.string(),
  elapsedMs: z.number().int(),
  error: z.string().nullable(),
  rejectedReport: z.string().nullable().describe('path of the rejected rows CSV (`line,reason`), once a row was rejected'),
});
