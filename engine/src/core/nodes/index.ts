import { channelHandler } from './channel';
import { conditionHandler } from './condition';
import { delayHandler } from './delay';
import { goalHandler } from './goal';
import { triggerHandler } from './trigger';
import type { NodeHandlers } from './types';

/** One handler per node type; adding a type touches this folder, the schema and the editor's palette. */
export const nodeHandlers: NodeHandlers = {
  trigger: triggerHandler,
  condition: conditionHandler,
  delay: delayHandler,
  channel: channelHandler,
  goal: goalHandler,
};

export type { NodeHandler, NodeHandlers, NodeOutcome, StepContext, FlowInfo } from './types';
