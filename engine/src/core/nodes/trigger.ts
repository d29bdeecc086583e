import { describeDuration, describeRule } from '../words';
import { durationIssues } from './checks';
import { OUT, type DataIssue, type NodeRule, type NodeTraits } from './types';

/** The journey's entry: logs what let the contact in and follows `out`. Its rules are evaluated by enrollment (SQL). */
export const triggerNode: NodeTraits<'trigger'> = {
  enter(node, ctx) {
    ctx.log('entered', { trigger: node.data, holdout: ctx.journey.holdout, flowId: ctx.flow.id, version: ctx.journey.version });
    return { kind: 'next', handle: OUT };
  },

  label: 'Trigger',
  hint: 'Who enters: inactivity, an event or a segment',
  defaultData: () => ({ kind: 'inactive', days: 7 }),
  outHandles: () => [OUT],
  kindName: () => 'a trigger node',

  rules(d) {
    const rules: NodeRule[] = [];
    const add = (field: string, rule: NodeRule['rule'] | undefined) => rule && rules.push({ field, rule, readBy: 'enrollment' });
    add('audience', d.audience);
    if (d.kind === 'event') add('where', d.where);
    if (d.kind === 'segment') add('rule', d.rule);
    return rules;
  },

  check(d) {
    const issues: DataIssue[] = [];
    if (d.kind === 'event' && d.maxAge !== undefined) issues.push(...durationIssues(d.maxAge, 'maxAge'));
    if (d.reentry && d.reentry !== 'never') issues.push(...durationIssues(d.reentry.cooldown, 'reentry.cooldown'));
    return issues;
  },

  summary(d) {
    const base =
      d.kind === 'inactive'
        ? `No activity for ${d.days} day${d.days === 1 ? '' : 's'}`
        : d.kind === 'event'
          ? `On event “${d.event}”`
          : `Segment: ${describeRule(d.rule)}`;
    const reentry = d.reentry === 'never' ? ' · once' : d.reentry?.cooldown ? ` · again after ${describeDuration(d.reentry.cooldown)}` : '';
    return base + reentry;
  },
};
