import { z } from 'zod';
import { journeyState } from '@boomerang/engine/core/views/journeys';

export const flowJourneysQuery = z
  .object({
    state: journeyState.optional(),
    nodeId: z.string().min(1).max(100).optional().describe('journeys currently at this node'),
    version: z.coerce.number().int().min(1).optional(),
    cursor: z.string().max(400).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();
export type FlowJourneysQuery = z.infer<typeof flowJourneysQuery>;
