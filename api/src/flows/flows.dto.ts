import { z } from 'zod';
import { flowGraphSchema, flowSettingsPatchSchema, flowSettingsSchema, flowTemplates } from '@boomerang/engine';
import { flowStatus } from '@boomerang/engine/core/views/flows';

const name = z.string().trim().min(1, 'must not be empty').max(200);

/** `{name, graph, settings?}` or `{name, templateId, settings?}`: a draft, version 1. */
export const createFlowBody = z.union([
  z.object({ name, graph: flowGraphSchema, settings: flowSettingsSchema.optional() }).strict(),
  z
    .object({
      name,
      templateId: z
        .string()
        .max(100)
        .refine((id) => flowTemplates.some((t) => t.id === id), {
          message: `unknown template; one of ${flowTemplates.map((t) => `"${t.id}"`).join(', ')}`,
        }),
      settings: flowSettingsSchema.optional(),
    })
    .strict(),
]);
export type CreateFlowBody = z.infer<typeof createFlowBody>;

/** Any subset. A graph on a draft replaces its version in place; on an active or paused flow it makes version N+1. */
export const updateFlowBody = z
  .object({
    name: name.optional(),
    graph: flowGraphSchema.optional(),
    settings: flowSettingsPatchSchema.optional().describe('the keys given replace the stored ones; the others stay'),
    baseUpdatedAt: z
      .string()
      .max(40)
      .optional()
      .describe("optimistic check: the flow's `updatedAt` the edit was made on; a later save by anyone answers 409 naming them"),
  })
  .strict()
  .refine((b) => Object.keys(b).some((k) => k !== 'baseUpdatedAt'), 'nothing to change: send name, graph or settings');
export type UpdateFlowBody = z.infer<typeof updateFlowBody>;

/** Validates the body's graph when given (an unsaved edit), else the flow's current version. */
export const validateFlowBody = z.object({ graph: z.unknown().optional() }).strict();
export type ValidateFlowBody = z.infer<typeof validateFlowBody>;

export const listFlowsQuery = z
  .object({
    status: flowStatus.optional(),
    cursor: z.string().max(400).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();
export type ListFlowsQuery = z.infer<typeof listFlowsQuery>;

export const getFlowQuery = z.object({ version: z.coerce.number().int().min(1).optional() }).strict();
export type GetFlowQuery = z.infer<typeof getFlowQuery>;

/** `POST /api/flows/:id/publish`: journeys waiting on older versions move to the new one or finish where they are. */
export const publishFlowBody = z.object({ migrate: z.enum(['move', 'stay']) }).strict();
export type PublishFlowBody = z.infer<typeof publishFlowBody>;

export const revertFlowBody = z.object({ version: z.number().int().min(1) }).strict();
export type RevertFlowBody = z.infer<typeof revertFlowBody>;
