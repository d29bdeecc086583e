/**
 * The split form's “Experiment” section (issue 24): a toggle, then how long to run (a number and a unit), what
 * counts as a success (plain words) and the least contacts per arm, written as the split's `experiment`. When the
 * flow is live, the panel with each arm's numbers, the test's verdict and the “Pick this arm” buttons follows.
 */
import { useContext } from 'react';
import type { ConditionData } from '../engine';
import { Check, DurationField, IntegerField, SelectField } from '../forms/fields';
import { FlowInfo } from '../flow/FlowInfo';
import { describeDuration } from '../graph/durations';
import { ExperimentPanel } from './ExperimentPanel';
import { decidedByWords, defaultExperiment, metricWords, type ExperimentMetric } from './experiment-words';
import './insights.css';

type SplitData = Extract<ConditionData, { split: unknown }>;

export function ExperimentSection({
  nodeId,
  config,
  onChange,
  disabled,
}: {
  nodeId: string;
  config: SplitData;
  onChange: (config: SplitData) => void;
  disabled: boolean;
}) {
  const flowId = useContext(FlowInfo).id;
  const on = config.experiment !== undefined;
  const experiment = config.experiment ?? defaultExperiment;
  const set = (next: Partial<typeof experiment>) => onChange({ ...config, experiment: { ...experiment, ...next } });
  return (
    <div className="experiment-section" data-experiment-section>
      <h4>Experiment</h4>
      <Check
        label="Run this split as an experiment: keep the better arm"
        name="experimentOn"
        checked={on}
        disabled={disabled || config.winner !== undefined}
        onChange={(checked) => {
          if (checked) onChange({ ...config, experiment: defaultExperiment });
          else {
            const rest = { ...config };
            delete rest.experiment;
            onChange(rest);
          }
        }}
      />
      {on && (
        <>
          <DurationField
            label="Decide after"
            name="experimentWindow"
            value={experiment.window}
            disabled={disabled}
            hint={`Counted from the first contact through this split: ${describeDuration(experiment.window)}.`}
            onChange={(window) => set({ window })}
          />
          <SelectField<ExperimentMetric>
            label="The better arm is the one whose contacts most often"
            name="experimentMetric"
            value={experiment.metric}
            disabled={disabled}
            options={Object.entries(metricWords) as [ExperimentMetric, string][]}
            onChange={(metric) => set({ metric })}
          />
          <IntegerField
            label="At least this many contacts per arm before deciding"
            name="experimentMinSample"
            min={10}
            max={10_000_000}
            value={experiment.minSample}
            disabled={disabled}
            onChange={(minSample) => minSample !== undefined && set({ minSample })}
          />
          <p className="hint">
            When the time is up, the arm that beats every other with 95 % confidence gets every new contact. If none does, the split stays
            as it is until you pick an arm.
          </p>
        </>
      )}
      {config.winner && (
        <p className="hint" data-experiment-winner>
          Decided: every new contact takes “{config.winner.arm}” — by {decidedByWords(config.winner.decidedBy)}.
        </p>
      )}
      {on && flowId && <ExperimentPanel flowId={flowId} nodeId={nodeId} />}
    </div>
  );
}
