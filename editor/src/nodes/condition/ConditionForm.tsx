/**
 * The condition's form: decide by a yes / no rule, by layers (first matching branch) or by a random split, which may
 * run as an experiment.
 */
import { SelectField } from '../../forms/fields';
import { RuleBuilder } from '../../forms/RuleBuilder';
import { ExperimentSection } from '../../insights/ExperimentSection';
import type { NodeFormProps } from '../types';
import { BranchFields } from './BranchFields';
import { SplitFields } from './SplitFields';

type ConditionMode = 'rule' | 'branches' | 'split';

export function ConditionForm({ nodeId, config, onChange, disabled }: NodeFormProps<'condition'>) {
  const mode: ConditionMode = 'rule' in config ? 'rule' : 'branches' in config ? 'branches' : 'split';
  return (
    <>
      <SelectField<ConditionMode>
        label="Decide by"
        name="conditionMode"
        value={mode}
        disabled={disabled}
        options={[
          ['rule', 'A rule: yes / no'],
          ['branches', 'Layers: first matching branch, else'],
          ['split', 'Random split (A/B)'],
        ]}
        onChange={(m) =>
          onChange(
            m === 'rule'
              ? { rule: { active: true } }
              : m === 'branches'
                ? { branches: [{ id: 'heavy', rule: { attribute: 'usage_minutes', op: 'gt', value: 180 } }] }
                : {
                    split: [
                      { id: 'a', percent: 50 },
                      { id: 'b', percent: 50 },
                    ],
                  },
          )
        }
      />
      {'rule' in config && (
        <RuleBuilder
          label="Go down “yes” when"
          name="rule"
          value={config.rule}
          disabled={disabled}
          onChange={(rule) => rule && onChange({ rule })}
        />
      )}
      {'branches' in config && <BranchFields config={config} onChange={onChange} disabled={disabled} />}
      {'split' in config && (
        <>
          <SplitFields config={config} onChange={onChange} disabled={disabled} />
          <ExperimentSection nodeId={nodeId} config={config} onChange={onChange} disabled={disabled} />
        </>
      )}
    </>
  );
}
