import type { FlowGraph } from './graph';
import { evaluateRule, type RuleContext } from './rules';
import type { FlowNodeOf } from './schema';
import type { ContactFacts, JourneySnapshot } from './types';

export interface GoalMet {
  node: FlowNodeOf<'goal'>;
  explanation: string;
  values: Record<string, unknown>;
  /** when it was met: the goal event's time, or now for a rule */
  metAt: Date;
}

/**
 * Whether one of the graph's goals is met now: an event goal by a matching event after the journey entered (and not
 * after now); a rule goal by its rule. The first met goal in document order wins.
 */
export function metGoal(
  graph: FlowGraph,
  journey: Pick<JourneySnapshot, 'enteredAt' | 'context'>,
  facts: ContactFacts,
  now: Date,
  settings: RuleContext['settings'],
): GoalMet | null {
  for (const node of graph.goals()) {
    const data = node.data;
    if ('event' in data) {
      const hit = facts.events.find(
        (e) =>
          e.name === data.event &&
          e.occurredAt.getTime() > journey.enteredAt.getTime() &&
          e.occurredAt.getTime() <= now.getTime() &&
          (!data.where || evaluateRule(data.where, { ...facts, attributes: e.properties ?? {} }, now, { settings, journey }).result),
      );
      if (hit) {
        return {
          node,
          explanation: `${data.event} at ${hit.occurredAt.toISOString()} after entry → goal`,
          values: { event: data.event, at: hit.occurredAt.toISOString() },
          metAt: hit.occurredAt,
        };
      }
    } else {
      const verdict = evaluateRule(data.rule, facts, now, { settings, journey });
      if (verdict.result) return { node, explanation: verdict.explanation, values: { checks: verdict.checks }, metAt: now };
    }
  }
  return null;
}
