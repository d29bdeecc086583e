/**
 * Where a live experiment stands (issue 24): each arm's contacts, successes and rate, the test's verdict in a
 * sentence, when the window closes, and a “Pick this arm” button per arm (asks first; it makes a new live version) —
 * or, once decided, the winner with who decided, when and why.
 */
import { useCallback, useEffect, useState } from 'react';
import { authApi, errorText } from '../api';
import { when } from '../ui';
import { decidedByWords, metricShort, rateWords } from './experiment-words';
import { experimentsApi, type ExperimentView } from './experiments-api';
import './insights.css';

export function ExperimentPanel({ flowId, nodeId }: { flowId: string; nodeId: string }) {
  const [view, setView] = useState<ExperimentView | null | undefined>(undefined); // null: not live
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [picked, setPicked] = useState<number | null>(null);
  const load = useCallback(() => {
    experimentsApi
      .list(flowId)
      .then((r) => setView(r.items.find((i) => i.nodeId === nodeId) ?? null))
      .catch((e) => setError(errorText(e)));
  }, [flowId, nodeId]);
  useEffect(load, [load]);
  const [canOperate, setCanOperate] = useState(false); // picking an arm goes live: an operator's action
  useEffect(() => {
    authApi
      .me()
      .then((me) => setCanOperate(me.permissions.includes('operate')))
      .catch(() => setCanOperate(false));
  }, []);

  if (error) return <div className="alert error">{error}</div>;
  if (view === undefined) return null;
  if (view === null)
    return (
      <p className="hint" data-experiment-panel="not-live">
        The numbers appear here once this experiment is live.
      </p>
    );

  const pick = (arm: string) => {
    if (!window.confirm(`Send every new contact down “${arm}” from now on? This publishes a new live version of the flow.`)) return;
    setBusy(true);
    setError(null);
    experimentsApi
      .pick(flowId, nodeId, arm)
      .then((flow) => {
        setPicked(flow.liveVersion ?? null);
        load();
      })
      .catch((e) => setError(errorText(e)))
      .finally(() => setBusy(false));
  };
  const w = view.winner;
  return (
    <div className="experiment-panel" data-experiment-panel={w ? 'decided' : 'running'}>
      <h4>Live on version {view.version}</h4>
      <ul className="experiment-arms">
        {view.arms.map((a) => (
          <li key={a.id} data-experiment-arm={a.id} className={w?.arm === a.id ? 'is-winner' : ''}>
            <div>
              <strong>“{a.id}”</strong> <span className="muted">· {a.percent} % of contacts</span>
              <div className="experiment-figures">
                <span data-arm-journeys>{a.journeys}</span> contacts · {a.successes} {metricShort[view.experiment.metric]} (
                {rateWords(a.rate)})
              </div>
            </div>
            {!w && canOperate && (
              <button type="button" className="btn small" data-pick-arm={a.id} disabled={busy} onClick={() => pick(a.id)}>
                Pick this arm
              </button>
            )}
          </li>
        ))}
      </ul>
      {w ? (
        <p className="verdict-line" data-experiment-decided>
          <strong>Winner: “{w.arm}”</strong>, decided {when(w.decidedAt)} by {decidedByWords(w.decidedBy)}. Why: {w.reason}
          {picked !== null && <> The flow's live version is now v{picked}; reload to edit it.</>}
        </p>
      ) : (
        <>
          <p className="verdict-line" data-experiment-verdict>
            {view.verdict.reason}
          </p>
          {!canOperate && <p className="hint">Only someone who may operate flows can pick an arm by hand.</p>}
          <p className="hint" data-experiment-closes>
            {view.closesAt
              ? `The window closes ${when(view.closesAt)}; the engine decides then if one arm is clearly better.`
              : 'The window starts with the first contact through this split.'}
          </p>
        </>
      )}
    </div>
  );
}
