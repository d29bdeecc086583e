import { splitArm } from '../hash';
import { evaluateRule } from '../rules';
import type { NodeHandler, NodeOutcome, StepContext } from './types';

/** rule → yes/no; branches → first matching branch id, else `else`; split → a stable bucket per contact. */
export const conditionHandler: NodeHandler<'condition'> = {
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
    const arm = splitArm(data.split, ctx.flow.id, ctx.journey.contactId, node.id);
    return decide(ctx, arm, {
      explanation: `random split (stable per contact) → ${arm}`,
      split: data.split,
    });
  },
};

function evaluate(rule: Parameters<typeof evaluateRule>[0], ctx: StepContext) {
  return evaluateRule(rule, ctx.facts, ctx.now, { settings: ctx.settings, journey: ctx.journey });
}

function decide(ctx: StepContext, handle: string, detail: Record<string, unknown>): NodeOutcome {
  ctx.log('decision', { handle, ...detail });
  return { kind: 'next', handle };
}
