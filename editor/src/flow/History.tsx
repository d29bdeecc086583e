/** Version history: who made each version, when, what changed, and a one-click revert into the draft. */
import { useCallback, useEffect, useState } from 'react';
import { errorText, publishingApi, type FlowHistory } from '../api';
import { when } from '../ui';

export function HistoryTab({
  flowId,
  canRevert,
  onReverted,
}: {
  flowId: string;
  canRevert: boolean;
  onReverted: (version: number) => void;
}) {
  const [history, setHistory] = useState<FlowHistory | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => {
    publishingApi
      .history(flowId)
      .then(setHistory)
      .catch((e) => setError(errorText(e)));
  }, [flowId]);
  useEffect(load, [load]);
  if (error)
    return (
      <div className="tab-page">
        <div className="alert error">{error}</div>
      </div>
    );
  if (!history)
    return (
      <div className="tab-page">
        <div className="empty">Loading history…</div>
      </div>
    );
  return (
    <div className="tab-page">
      <section className="card">
        <div className="card-head">
          <h2>Version history</h2>
        </div>
        <table className="table" data-history>
          <thead>
            <tr>
              <th>Version</th>
              <th>By</th>
              <th>When</th>
              <th>What changed</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {history.versions.map((v) => (
              <tr key={v.version} data-version-row={v.version}>
                <td>
                  <strong>v{v.version}</strong> {v.live && <span className="badge status-active">live</span>}
                  {v.current && !v.live && <span className="badge unsaved">draft</span>}
                </td>
                <td>{v.by?.replace(/^user:|^key:/, '') ?? '—'}</td>
                <td className="muted">{when(v.createdAt)}</td>
                <td>
                  {v.changes
                    ? [
                        v.changes.changed.length && `changed ${v.changes.changed.join(', ')}`,
                        v.changes.added.length && `added ${v.changes.added.join(', ')}`,
                        v.changes.removed.length && `removed ${v.changes.removed.join(', ')}`,
                        v.changes.edgesAdded.length + v.changes.edgesRemoved.length &&
                          `${v.changes.edgesAdded.length + v.changes.edgesRemoved.length} connection(s)`,
                      ]
                        .filter(Boolean)
                        .join(' · ') || 'layout only'
                    : 'first version'}
                  <div className="muted small">{v.events.map((e) => e.action.replace('flow.', '')).join(', ')}</div>
                </td>
                <td>
                  {canRevert && !v.current && (
                    <button
                      className="btn small"
                      data-revert={v.version}
                      onClick={() =>
                        publishingApi
                          .revert(flowId, v.version)
                          .then(() => onReverted(v.version))
                          .catch((e) => setError(errorText(e)))
                      }
                    >
                      Revert to v{v.version}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}
