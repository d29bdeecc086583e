/** A random split (A/B): arms with an id and a percent that add up to 100. */
import type { ConditionData } from '../../engine';
import { IntegerField, TextField } from '../../forms/fields';
import type { FormProps } from '../types';
import { freshId } from './fresh-id';

type SplitData = Extract<ConditionData, { split: unknown }>;

export function SplitFields({ config, onChange, disabled }: FormProps<SplitData>) {
  return (
    <div className="rows">
      {config.split.map((s, i) => (
        <div className="row-inline" key={i}>
          <TextField
            label="Arm id"
            name={`split-${i}-id`}
            value={s.id}
            disabled={disabled}
            onChange={(id) => onChange({ ...config, split: config.split.map((x, j) => (j === i ? { ...x, id } : x)) }, { [s.id]: id })}
          />
          <IntegerField
            label="Percent"
            name={`split-${i}-percent`}
            min={0}
            max={100}
            value={s.percent}
            disabled={disabled}
            onChange={(percent) =>
              percent !== undefined && onChange({ ...config, split: config.split.map((x, j) => (j === i ? { ...x, percent } : x)) })
            }
          />
          {!disabled && config.split.length > 2 && (
            <button
              type="button"
              className="btn small ghost"
              onClick={() => onChange({ ...config, split: config.split.filter((_, j) => j !== i) })}
            >
              ✕
            </button>
          )}
        </div>
      ))}
      {!disabled && config.split.length < 10 && (
        <button
          type="button"
          className="btn small"
          onClick={() =>
            onChange({
              ...config,
              split: [
                ...config.split,
                {
                  id: freshId(
                    config.split.map((s) => s.id),
                    'arm',
                  ),
                  percent: 0,
                },
              ],
            })
          }
        >
          Add arm
        </button>
      )}
      <p className={`hint ${config.split.reduce((n, s) => n + s.percent, 0) !== 100 ? 'warn' : ''}`}>
        Total {config.split.reduce((n, s) => n + s.percent, 0)}% (should be 100%).
      </p>
    </div>
  );
}
