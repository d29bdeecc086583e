import { describeRule } from '../words';
import type { NodeTraits } from './types';

/**
 * Reaching a goal node ends the journey as converted. A goal without incoming edges is journey-wide: `metGoal`
 * checks it before every step and on every wake-up.
 */
export const goalNode: NodeTraits<'goal'> = {
  enter(node, ctx) {
    ctx.log('goal', { reason: 'reached', goal: node.data });
    return { kind: 'end', state: 'converted', reason: 'goal node reached' };
  },

  label: 'Goal',
  hint: 'Conversion: ends the journey as converted',
  defaultData: () => ({ event: 'order_paid' }),
  outHandles: () => [],
  kindName: () => 'a goal node',
  mayBeDetached: true,
  rules: (d) =>
    'rule' in d
      ? [{ field: 'rule', rule: d.rule, readBy: 'journey' }]
      : d.where
        ? [{ field: 'where', rule: d.where, readBy: 'journey' }]
        : [],
  check: () => [],
  summary: (d) => ('event' in d ? `Event “${d.event}”` : `Rule: ${describeRule(d.rule)}`),
};
