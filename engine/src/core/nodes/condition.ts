import { splitArm } from '../hash';
import { evaluateRule } from '../rules';
import { describeDuration, describeRule } from '../words';
import { duplicateIds, durationIssues, issueAt } from './checks';
import type { DataIssue, NodeOutcome, NodeTraits, StepContext } from './types';

/** rule → yes/no; branches → first matching branch id, else `else`; split → a stable bucket per contact. */
export const conditionNode: NodeTraits<'condition'> = {
  enter(node, ctx) {
    const data = node.data;
    if ('rule' in data) {
      const verdict = evaluate(data.rule, ctx);
      return decide(ctx, verdict.result ? 'yes' : 'no', { explanation: verdict.explanation, checks: verdict.checks });
    }
    if ('branches' in data) {
      const tried: { branch: string; explanation: string }[] = [];
      for (const branch of data.branches) {
        const verdict = evaluate(branch.rule, ctx);
        tried.push({ branch: branch.id, explanation: verdict.explanation });
        if (verdict.result) {
          return decide(ctx, branch.id, { explanation: `${branch.id}: ${verdict.explanation}`, checks: verdict.checks, tried });
        }
      }
      return decide(ctx, 'else', { explanation: 'no branch matched → else', tried });
    }
    if (data.winner) {
      const w = data.winner;
      return decide(ctx, w.arm, {
        explanation: `experiment decided → ${w.arm} (chosen by ${w.decidedBy} at ${w.decidedAt}: ${w.reason})`,
        split: data.split,
        experiment: { winner: w.arm, decidedBy: w.decidedBy, decidedAt: w.decidedAt },
      });
    }
    const arm = splitArm(data.split, ctx.flow.id, ctx.journey.contactId, node.id);
    return decide(ctx, arm, {
      explanation: `random split (stable per contact) → ${arm}`,
      split: data.split,
    });
  },

  label: 'Condition',
  hint: 'Branch on a rule, layers or an A/B split',
  defaultData: () => ({ rule: { active: true } }),

  outHandles(d) {
    if ('rule' in d) return ['yes', 'no'];
    if ('branches' in d) return [...d.branches.map((b) => b.id), 'else'];
    return d.split.map((s) => s.id);
  },

  kindName: (d) => `a ${'rule' in d ? 'rule' : 'branches' in d ? 'branch' : 'split'} condition`,

  rules(d) {
    if ('rule' in d) return [{ field: 'rule', rule: d.rule, readBy: 'journey' }];
    if ('branches' in d) return d.branches.map((b, i) => ({ field: `branches[${i}].rule`, rule: b.rule, readBy: 'journey' }));
    return [];
  },

  check(d) {
    if ('rule' in d) return [];
    const list = 'branches' in d ? 'branches' : 'split';
    const arms: readonly { id: string }[] = 'branches' in d ? d.branches : d.split;
    const issues: DataIssue[] = duplicateIds(arms.map((a) => a.id)).map((id) =>
      issueAt(list, `${list}.duplicateId`, `duplicate ${list === 'branches' ? 'branch' : 'split'} id "${id}"`, { id }),
    );
    if ('split' in d) {
      const sum = d.split.reduce((s, a) => s + a.percent, 0);
      if (sum !== 100) issues.push(issueAt('split', 'split.sum', `percentages sum to ${sum}, not 100`, { sum }));
      if (d.experiment) issues.push(...durationIssues(d.experiment.window, 'experiment.window'));
      if (d.winner && !d.split.some((a) => a.id === d.winner!.arm)) {
        issues.push(issueAt('winner.arm', 'winner.unknownArm', `"${d.winner.arm}" is not an arm of this split`, { arm: d.winner.arm }));
      }
    }
    return issues;
  },

  summary(d) {
    if ('rule' in d) return describeRule(d.rule);
    if ('branches' in d) return `${d.branches.length} branch${d.branches.length === 1 ? '' : 'es'} + else`;
    if (d.winner) return `Experiment decided: everyone takes “${d.winner.arm}”`;
    const split = `Split ${d.split.map((s) => `${s.percent}%`).join(' / ')}`;
    return d.experiment ? `${split}, experiment over ${describeDuration(d.experiment.window)}` : split;
  },
};

function evaluate(rule: Parameters<typeof evaluateRule>[0], ctx: StepContext) {
  return evaluateRule(rule, ctx.facts, ctx.now, { settings: ctx.settings, journey: ctx.journey });
}

function decide(ctx: StepContext, handle: string, detail: Record<string, unknown>): NodeOutcome {
  ctx.log('decision', { handle, ...detail });
  return { kind: 'next', handle };
}
