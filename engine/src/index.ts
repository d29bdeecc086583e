export * from './core/schema';
export * from './core/types';
export { advance, waitDueAt } from './core/advance';
export { validateFlow, type ValidationIssue, type ValidationResult } from './core/validate';
export * from './core/rules';
export * from './core/guardrails';
export * from './core/durations';
export { FlowGraph, flowGraphOf, edgeHandle, outHandles, OUT } from './core/graph';
export { metGoal, type GoalMet } from './core/goals';
export { bucketOf, splitArm, isHoldout, fnv1a } from './core/hash';
export { messageIdFor } from './core/message-id';
export {
  checkTemplate,
  contentForChannel,
  missingChannelFields,
  renderContent,
  templateVariables,
  templateFor,
  templatePaths,
  knownHelpers,
  templateFields,
  type TemplateVariables,
} from './core/render';
export {
  nodeHandlers,
  nodeRegistry,
  traitsOf,
  type NodeHandler,
  type NodeHandlers,
  type NodeOutcome,
  type NodeTraits,
  type NodeRule,
  type DataIssue,
  type StepContext,
  type FlowInfo,
} from './core/nodes';
export { flowTemplates, findFlowTemplate, WEEKLY_CHECKIN_CAP, type FlowTemplate } from './core/templates';
export { demoFlows, type DemoFlow } from './core/templates';
// the clock is pure enough for any importer; the rest of the runtime (pg, node-cron) is `@boomerang/engine/runtime`
export { SystemClock, VirtualClock, type Clock } from './runtime/clock';
export { flattenZodIssues, formatPath } from './core/zod-issues';
export { localeChain, pickLocale } from './core/locale';
export { previewMessage, type Preview, type PreviewInput, type PreviewContact } from './core/preview';
export { smsSegments, messageCostCents, type SmsSegments, type SmsEncoding } from './core/sms-segments';
