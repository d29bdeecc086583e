/** What the flows routes answer (`/api/flows…`, `/api/flow-templates`, `/api/flow-stats`). */
import { z } from 'zod';
import { flowGraphSchema, flowQuietHoursSchema } from '../schema';

export const flowStatus = z.enum(['draft', 'active', 'paused', 'archived']);
export type FlowStatus = z.infer<typeof flowStatus>;

export const flowSummaryView = z.object({
  id: z.string().uuid(),
  name: z.string(),
  status: flowStatus,
  version: z.number().int().describe('the current (newest) version, the one the editor edits'),
  liveVersion: z.number().int().nullable().describe('the version new journeys enter; null until first activation'),
  settings: z.object({
    holdoutPercent: z.number().int(),
    quietHours: flowQuietHoursSchema.describe("the workspace's quiet hours, none ('off') or the flow's own window"),
  }),
  createdAt: z.string(),
  updatedAt: z.string(),
  activatedAt: z.string().nullable(),
});
export type FlowSummary = z.infer<typeof flowSummaryView>;

export const flowView = flowSummaryView.extend({
  graph: flowGraphSchema,
  graphVersion: z.number().int().describe('the version whose graph this is'),
  frozen: z.boolean().describe('activated versions are immutable'),
  versions: z.array(z.object({ version: z.number().int(), createdAt: z.string(), frozenAt: z.string().nullable() })),
});
export type FlowView = z.infer<typeof flowView>;

const validationIssue = z.object({
  nodeId: z.string().nullable(),
  edgeId: z.string().optional(),
  code: z.string().describe('what is wrong, for machines: duration.notPositive, handle.unconnected, schema.invalid_type…'),
  field: z.string().optional().describe("the path inside the node's data it is about (waitFor.timeout), or inside the edge"),
  params: z.record(z.string(), z.unknown()).optional().describe('the values the message is made of'),
  message: z.string(),
});
export const validationView = z.object({ valid: z.boolean(), errors: z.array(validationIssue), warnings: z.array(validationIssue) });
export type ServerValidation = z.infer<typeof validationView>;

export const flowTemplateView = z.object({ id: z.string(), name: z.string(), description: z.string(), graph: flowGraphSchema });
export const flowTemplatesView = z.object({ items: z.array(flowTemplateView) });
export type FlowTemplateView = z.infer<typeof flowTemplateView>;

/** Steps added, removed or changed and connections added or removed between two versions (`diffGraphs`). */
export const graphDiffView = z.object({
  added: z.array(z.string()),
  removed: z.array(z.string()),
  changed: z.array(z.string()),
  edgesAdded: z.array(z.string()),
  edgesRemoved: z.array(z.string()),
});
export type GraphDiff = z.infer<typeof graphDiffView>;

/** `GET /api/flows/:id/publish-preview`: what Publish would do. */
export const publishPreviewView = z.object({
  status: flowStatus,
  liveVersion: z.number().int().nullable(),
  draftVersion: z.number().int().nullable().describe('null when the current version is already live'),
  pending: z.boolean().describe('a draft differs from the live version'),
  diff: graphDiffView,
  validation: validationView,
  waiting: z
    .array(
      z.object({
        version: z.number().int(),
        nodeId: z.string(),
        count: z.number().int(),
        inDraft: z.boolean(),
        changed: z.boolean(),
      }),
    )
    .describe('journeys waiting per version and step'),
  totals: z.object({ waiting: z.number().int(), atChangedSteps: z.number().int(), atRemovedSteps: z.number().int() }),
});
export type PublishPreview = z.infer<typeof publishPreviewView>;

/** `GET /api/flows/:id/history`: every version, newest first, with who made it and what changed. */
export const flowHistoryView = z.object({
  liveVersion: z.number().int().nullable(),
  currentVersion: z.number().int(),
  versions: z.array(
    z.object({
      version: z.number().int(),
      createdAt: z.string(),
      frozenAt: z.string().nullable(),
      live: z.boolean(),
      current: z.boolean(),
      by: z.string().nullable().describe('the audit actor who made the version'),
      changes: graphDiffView.nullable().describe('from the version before; null on version 1'),
      events: z.array(z.object({ at: z.string(), actor: z.string(), action: z.string() })),
    }),
  ),
});
export type FlowHistory = z.infer<typeof flowHistoryView>;

/** `POST /api/flows/:id/estimate`. */
export const estimateView = z.object({
  count: z.number().int().nullable(),
  reason: z.string().nullable().describe('why there is no count'),
  kind: z.string().nullable().describe('the trigger kind counted'),
  at: z.string().optional().describe('the engine time of the count'),
});
export type Estimate = z.infer<typeof estimateView>;

/** `GET /api/flow-stats`: per flow, journeys entered and converted since `since` (7 days), journeys live now. */
export const flowStatsView = z.object({
  since: z.string(),
  items: z.array(z.object({ flowId: z.string(), entered: z.number().int(), live: z.number().int(), converted: z.number().int() })),
});
export type FlowStats = z.infer<typeof flowStatsView>;
