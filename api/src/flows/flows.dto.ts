import { z } from 'zod';
import { flowGraphSchema, flowSettingsSchema, flowTemplates } from '@boomerang/engine';

const name = z.string().trim().min(1, 'must not be empty').max(200);
const flowStatus = z.enum(['draft', 'active', 'paused', 'archived']);

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
    settings: flowSettingsSchema.optional(),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, 'nothing to change: send name, graph or settings');
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

export const flowSummaryView = z.object({
  id: z.string().uuid(),
  name: z.string(),
  status: flowStatus,
  version: z.number().int().describe('the current (newest) version, the one the editor edits'),
  liveVersion: z.number().int().nullable().describe('the version new journeys enter; null until first activation'),
  settings: z.object({ holdoutPercent: z.number().int() }),
  createdAt: z.string(),
  updatedAt: z.string(),
  activatedAt: z.string().nullable(),
});
export const flowView = flowSummaryView.extend({
  graph: flowGraphSchema,
  graphVersion: z.number().int().describe('the version whose graph this is'),
  frozen: z.boolean().describe('activated versions are immutable'),
  versions: z.array(z.object({ version: z.number().int(), createdAt: z.string(), frozenAt: z.string().nullable() })),
});
const validationIssueView = z.object({
  nodeId: z.string().nullable(),
  edgeId: z.string().optional(),
  code: z.string().describe('what is wrong, for machines: duration.notPositive, handle.unconnected, schema.invalid_type…'),
  field: z.string().optional().describe("the path inside the node's data it is about (waitFor.timeout), or inside the edge"),
  params: z.record(z.string(), z.unknown()).optional().describe('the values the message is made of'),
  message: z.string(),
});
export const validationView = z.object({
  valid: z.boolean(),
  errors: z.array(validationIssueView),
  warnings: z.array(validationIssueView),
});
export const flowTemplatesView = z.object({
  items: z.array(z.object({ id: z.string(), name: z.string(), description: z.string(), graph: flowGraphSchema })),
});

/** `POST /api/flows/:id/publish`: journeys waiting on older versions move to the new one or finish where they are. */
export const publishFlowBody = z.object({ migrate: z.enum(['move', 'stay']) }).strict();
export type PublishFlowBody = z.infer<typeof publishFlowBody>;

export const revertFlowBody = z.object({ version: z.number().int().min(1) }).strict();
export type RevertFlowBody = z.infer<typeof revertFlowBody>;
