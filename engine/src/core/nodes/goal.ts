import type { NodeHandler } from './types';

/** Reaching a goal node ends the journey as converted. */
export const goalHandler: NodeHandler<'goal'> = {
  enter(node, ctx) {
    ctx.log('goal', { reason: 'reached', goal: node.data });
    return { kind: 'end', state: 'converted', reason: 'goal node reached' };
  },
};
