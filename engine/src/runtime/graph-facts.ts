/**
 * What the runtime needs to know about one frozen flow version, computed once and cached by (flow, version):
 * the parsed FlowGraph, its trigger, and how far back the facts loader must read a contact's events.
 */
import { FlowGraph, flowGraphOf } from '../core/graph';
import { traitsOf } from '../core/nodes';
import { forEachLeaf } from '../core/rules';
import { parseDuration } from '../core/durations';
import type { FlowGraphDocument, FlowNodeOf, Rule } from '../core/schema';
import type { EngineSettings, JourneySnapshot } from '../core/types';

const DAY = 86_400_000;

export interface VersionInfo {
  graph: FlowGraph;
  trigger: FlowNodeOf<'trigger'> | null;
  /** event goals need every event since the journey entered */
  eventGoals: boolean;
  /** longest `{event, within}` window of any rule journeys evaluate, ms */
  ruleWindowMs: number;
  /** longest `{event, within}` window of any rule, the trigger's included (how long events must be kept), ms */
  eventLookBackMs: number;
  /** `active`/`reengaged` leaves: the activity window is needed */
  usesActivity: boolean;
  /** a delay waits for the contact's usual active hour: its hour histogram is loaded */
  usesBestHour: boolean;
}

/** The rules of a flow: journeys evaluate those `readBy: 'journey'` (`advance`), enrollment SQL the trigger's. */
function rulesOf(graph: FlowGraph) {
  return graph.nodes.flatMap((n) => traitsOf(n.type).rules(n.data));
}

function longestEventWindowMs(rules: Rule[]): number {
  let longest = 0;
  for (const rule of rules) {
    forEachLeaf(rule, (leaf) => {
      if ('event' in leaf) longest = Math.max(longest, parseDuration(leaf.within)?.as('milliseconds') ?? 0);
    });
  }
  return longest;
}

export function analyseVersion(doc: FlowGraphDocument): VersionInfo {
  const graph = flowGraphOf(doc);
  const rules = rulesOf(graph);
  const journeyRules = rules.flatMap((r) => (r.readBy === 'journey' ? [r.rule] : []));
  const ruleWindowMs = longestEventWindowMs(journeyRules);
  const eventLookBackMs = longestEventWindowMs(rules.map((r) => r.rule));
  let usesActivity = false;
  for (const rule of journeyRules) {
    forEachLeaf(rule, (leaf) => {
      if ('active' in leaf || 'reengaged' in leaf) usesActivity = true;
    });
  }
  const trigger = (graph.nodes.find((n) => n.type === 'trigger') as FlowNodeOf<'trigger'> | undefined) ?? null;
  const eventGoals = graph.nodes.some((n) => n.type === 'goal' && 'event' in (n.data as object));
  const usesBestHour = graph.nodes.some((n) => n.type === 'delay' && 'bestHour' in (n.data as object));
  return { graph, trigger, eventGoals, ruleWindowMs, eventLookBackMs, usesActivity, usesBestHour };
}

/** The earliest event time a journey's next advance can look at (events before it cannot change the outcome). */
export function eventsSince(info: VersionInfo, journey: JourneySnapshot, now: Date, settings: EngineSettings): Date {
  let since = now.getTime() - info.ruleWindowMs - DAY; // a day of slack for local-time windows
  // `active` in any rule, and `reengaged`/returns: the activity window in local days (+1 day for zone offsets)
  since = Math.min(since, now.getTime() - (settings.activity.windowDays + 1) * DAY);
  if (info.eventGoals) since = Math.min(since, journey.enteredAt.getTime());
  const wait = journey.wait;
  if (wait?.kind === 'event') since = Math.min(since, Date.parse(wait.since));
  const ctx = journey.context;
  if (!ctx.returnedAt && ctx.winbackSentAt?.length) {
    for (const sent of ctx.winbackSentAt) {
      const t = Date.parse(sent);
      if (Number.isFinite(t)) since = Math.min(since, t);
    }
  }
  return new Date(since);
}
