/** The recall funnel of a flow (seed definitions): entered → sent → delivered → clicked → returned → converted. */
import { useEffect, useState } from 'react';
import { errorText, flowsApi, type Metrics } from '../api';
import { percent } from '../ui';

export function MetricsTab({ flowId, labels, order }: { flowId: string; labels: ReadonlyMap<string, string>; order: string[] }) {
  const [m, setM] = useState<Metrics | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    flowsApi
      .metrics(flowId)
      .then(setM)
      .catch((e) => setError(errorText(e)));
  }, [flowId]);
  if (error) return <div className="tab-page"><div className="alert error">{error}</div></div>;
  if (!m) return <div className="tab-page"><div className="empty">Loading metrics…</div></div>;

  const funnel: [string, number, string | null][] = [
    ['Entered', m.entered, null],
    ['Sent', m.sent, null],
    ['Delivered', m.delivered, `reach ${percent(m.reachRate)}`],
    ['Clicked', m.clicked, `click ${percent(m.clickRate)}`],
    ['Returned', m.returned, `return ${percent(m.returnRate)}`],
    ['Converted', m.converted, m.entered ? `${percent(m.converted / Math.max(1, m.entered - m.holdout.size))} of treatment` : null],
  ];
  const max = Math.max(1, m.entered);
  const nodeIds = [...order.filter((id) => id in m.nodes), ...Object.keys(m.nodes).filter((id) => !order.includes(id))];
  return (
    <div className="tab-page metrics">
      <section className="card">
        <h2>Recall funnel</h2>
        <div className="stat-grid">
          {funnel.map(([label, value, rate]) => (
            <div className="stat" key={label} data-stat={label.toLowerCase()}>
              <span className="stat-label">{label}</span>
              <span className="stat-value">{value.toLocaleString()}</span>
              <span className="stat-rate">{rate ?? '\u00a0'}</span>
              <span className="stat-bar">
                <span style={{ width: `${(value / max) * 100}%` }} />
              </span>
            </div>
          ))}
        </div>
        <p className="hint">Reach = delivered / sent · click = clicked / delivered · return = returned / delivered (attribution window {m.attributionWindow}).</p>
      </section>
      <div className="two-col">
        <section className="card">
          <h2>Holdout and lift</h2>
          <p>
            Holdout: <strong>{m.holdout.size}</strong> contacts, <strong>{m.holdout.converted}</strong> converted without any message.
          </p>
          <p>
            Incremental lift: <strong className={m.lift !== null && m.lift < 0 ? 'neg' : ''}>{m.lift === null ? '—' : `${m.lift >= 0 ? '+' : ''}${(m.lift * 100).toFixed(1)} pts`}</strong>
          </p>
          {m.messages && (
            <p className="muted">
              {m.messages.total} messages · {m.messages.failed} failed · {m.messages.unsubscribed} unsubscribed · cost {(m.messages.costCents / 100).toFixed(2)}
            </p>
          )}
        </section>
        <section className="card">
          <h2>Retention of returned users</h2>
          <div className="retention">
            {m.retention.map((r, i) => (
              <div className="ret" key={i}>
                <span className="ret-bar">
                  <span style={{ height: `${(r ?? 0) * 100}%` }} />
                </span>
                <span className="ret-val">{percent(r)}</span>
                <span className="ret-day">d{i + 1}</span>
              </div>
            ))}
          </div>
        </section>
      </div>
      <section className="card">
        <h2>By step</h2>
        {nodeIds.length === 0 ? (
          <div className="empty">No journeys yet.</div>
        ) : (
          <table className="table">
            <thead>
              <tr>
                <th>Step</th>
                <th>Visits</th>
                <th>Journeys</th>
                <th>Waiting now</th>
                <th>Sent</th>
                <th>Delivered</th>
                <th>Clicked</th>
                <th>Converted</th>
              </tr>
            </thead>
            <tbody>
              {nodeIds.map((id) => {
                const n = m.nodes[id];
                return (
                  <tr key={id}>
                    <td>
                      {labels.get(id) ?? id} <code className="muted">{id}</code>
                    </td>
                    <td>{n.entered}</td>
                    <td>{n.journeys}</td>
                    <td>{n.waiting}</td>
                    <td>{n.sent}</td>
                    <td>{n.delivered}</td>
                    <td>{n.clicked}</td>
                    <td>{n.converted}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
