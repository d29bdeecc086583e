import { addDuration, safeZone } from '../durations';
import { describeDuration, describeRule } from '../words';
import { durationIssues } from './checks';
import type { NodeTraits } from './types';

/**
 * A goal is met only by its event or rule, never by arriving at it. `metGoal` checks every goal of the graph before
 * each step and on every wake-up, wherever the journey waits, so a goal event mid-delay converts at once.
 *
 * Reached along an edge, a goal is a wait: the journey stays here for the goal's event or rule up to `within`
 * (default: the workspace's attribution window) and converts when `metGoal` finds it met; otherwise it ends
 * `completed` ("goal not met within 72 hours"). A goal without incoming edges is journey-wide only.
 */
export const goalNode: NodeTraits<'goal'> = {
  enter(node, ctx) {
    const within = node.data.within ?? ctx.settings.attributionWindow;
    const until = addDuration(ctx.now, within, safeZone(ctx.facts.timezone));
    return { kind: 'wait', wait: { kind: 'goal', until: until.toISOString(), within } };
  },

  resume(_node, wait, ctx) {
    if (wait.kind !== 'goal' || ctx.now.getTime() < Date.parse(wait.until)) return null;
    return { kind: 'end', state: 'completed', reason: `goal not met within ${describeDuration(wait.within)}` };
  },

  label: 'Goal',
  hint: 'Conversion: the journey converts when the contact does this',
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
  check: (d) => (d.within === undefined ? [] : durationIssues(d.within, 'within')),
  summary: (d) => {
    const what = 'event' in d ? `Event “${d.event}”` : `Rule: ${describeRule(d.rule)}`;
    return d.within ? `${what}, waits up to ${describeDuration(d.within)}` : what;
  },
};
