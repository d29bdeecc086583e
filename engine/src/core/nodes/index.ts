import type { NodeType } from '../schema';
import { channelNode } from './channel';
import { conditionNode } from './condition';
import { delayNode } from './delay';
import { goalNode } from './goal';
import { triggerNode } from './trigger';
import type { NodeHandlers, NodeRegistry, NodeTraits } from './types';

/**
 * What the core knows of each node type, found by type: its handler (`enter`, `resume`), out handles, data checks,
 * the rules it reads and its summary. Adding a type touches its file here, this registry, the schema and the
 * editor's form and palette.
 */
export const nodeRegistry: NodeRegistry = {
  trigger: triggerNode,
  condition: conditionNode,
  delay: delayNode,
  channel: channelNode,
  goal: goalNode,
};

/** The handlers `advance` runs: the registry seen as handlers. */
export const nodeHandlers: NodeHandlers = nodeRegistry;

/** The traits of a type, typed loosely for callers that hold a node of any type. */
export function traitsOf(type: NodeType): NodeTraits {
  return nodeRegistry[type] as unknown as NodeTraits;
}

export { OUT } from './types';
export type {
  DataIssue,
  DataOf,
  FlowInfo,
  NodeHandler,
  NodeHandlers,
  NodeOutcome,
  NodeRegistry,
  NodeRule,
  NodeTraits,
  StepContext,
} from './types';
