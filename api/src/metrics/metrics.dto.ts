import { z } from 'zod';

export const metricsQuery = z.object({ version: z.coerce.number().int().min(1).optional() }).strict();
export type MetricsQuery = z.infer<typeof metricsQuery>;
