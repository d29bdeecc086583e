import type { NodeHandler } from './types';

/** The journey's entry: logs what let the contact in and follows `out`. */
export const triggerHandler: NodeHandler<'trigger'> = {
  enter(node, ctx) {
    ctx.log('entered', { trigger: node.data, holdout: ctx.journey.holdout, flowId: ctx.flow.id, version: ctx.journey.version });
    return { kind: 'next', handle: 'out' };
  },
};
