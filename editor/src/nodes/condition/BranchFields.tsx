/** Layers: named branches, each with a rule; contacts take the first that matches, otherwise “else”. */
import type { ConditionData } from '../../engine';
import { TextField } from '../../forms/fields';
import { RuleBuilder } from '../../forms/RuleBuilder';
import type { FormProps } from '../types';
import { freshId } from './fresh-id';

type BranchesData = Extract<ConditionData, { branches: unknown }>;

export function BranchFields({ config, onChange, disabled }: FormProps<BranchesData>) {
  return (
    <div className="rows">
      {config.branches.map((b, i) => (
        <div className="row-card" key={i}>
          <div className="row-head">
            <TextField
              label={`Path ${i + 1} name (shown on its exit)`}
              name={`branch-${i}-id`}
              value={b.id}
              disabled={disabled}
              onChange={(id) => onChange({ branches: config.branches.map((x, j) => (j === i ? { ...x, id } : x)) }, { [b.id]: id })}
            />
            {!disabled && config.branches.length > 1 && (
              <button
                type="button"
                className="btn small ghost"
                onClick={() => onChange({ branches: config.branches.filter((_, j) => j !== i) })}
              >
                Remove
              </button>
            )}
          </div>
          <RuleBuilder
            label="Contacts who match"
            name={`branch-${i}-rule`}
            value={b.rule}
            disabled={disabled}
            onChange={(rule) => rule && onChange({ branches: config.branches.map((x, j) => (j === i ? { ...x, rule } : x)) })}
          />
        </div>
      ))}
      {!disabled && (
        <button
          type="button"
          className="btn small"
          onClick={() =>
            onChange({
              branches: [
                ...config.branches,
                {
                  id: freshId(
                    config.branches.map((b) => b.id),
                    'layer',
                  ),
                  rule: { active: false },
                },
              ],
            })
          }
        >
          Add branch
        </button>
      )}
      <p className="hint">Contacts go down the first branch whose rule matches, otherwise “else”.</p>
    </div>
  );
}
