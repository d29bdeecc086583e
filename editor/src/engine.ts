/**
 * The one place the editor reaches into the engine: the pure core by subpath (see vite.config.ts for why not the
 * package root). Graph types and schemas, `validateFlow`, the handle rules (`outHandles`, `edgeHandle`), the node
 * types' own knowledge (`traitsOf`: summaries, loops) and the core's plain words (durations, rules, templates).
 */
export {
  channelKinds,
  emailBlockSchema,
  nodeTypes as flowNodeTypes,
  ruleSchema,
  type ChannelData,
  type ChannelKind,
  type ConditionData,
  type DelayData,
  type EmailBlock,
  type EmailBlockType,
  type Escalate,
  type FlowEdge,
  type FlowGraphDocument,
  type FlowNode,
  type FlowNodeOf,
  type FlowQuietHours,
  type FlowSettingsPatch,
  type GoalData,
  type MessageTemplate,
  type NodeType,
  type Reentry,
  type Rule,
  type TriggerData,
} from '@boomerang/engine/core/schema';
export { validateFlow, type ValidationIssue, type ValidationResult } from '@boomerang/engine/core/validate';
export { edgeHandle, outHandles, OUT } from '@boomerang/engine/core/graph';
export { edgeProblems, handlesOfStep, type EdgeProblem } from '@boomerang/engine/core/edges';
export { isValidDuration, isValidTimeZone } from '@boomerang/engine/core/durations';
export { traitsOf } from '@boomerang/engine/core/nodes';
export {
  describeDuration,
  describeRule,
  describeTimeOfDay,
  durationUnits,
  plainTemplate,
  splitDuration,
  type DurationParts,
  type DurationUnit,
} from '@boomerang/engine/core/words';
