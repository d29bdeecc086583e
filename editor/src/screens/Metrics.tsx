/**
 * The Metrics tab: the recall funnel, retention d1–d7 of the returned, holdout lift with its 95 % interval, cost,
 * time to reactivation, split arms and versions, drawn with recharts. Loaded lazily by the flow screen (recharts is
 * not part of the first screen's bundle).
 */
import { useEffect, useState } from 'react';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
  ErrorBar,
  LabelList,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { download, errorText, exportPath, flowsApi, type ExportKind, type Metrics } from '../api';
import { Bump } from '../live';
import { percent } from '../ui';
import { describeDuration, splitDuration } from '../graph/durations';
import { formatMoney, workspaceCurrency } from '../money';
import { LayersTable } from '../insights/LayersTable';

/** PT72H → "3 days", PT6H → "6 hours": the attribution window in words. */
function durationWords(iso: string): string {
  const parts = splitDuration(iso);
  if (parts?.unit === 'hours' && parts.amount % 24 === 0) return describeDuration(`P${parts.amount / 24}D`);
  return describeDuration(iso);
}

/** The workspace currency, set once the settings have loaded (the figures render only after). */
let shownCurrency = 'USD';
const money = (cents: number | null | undefined) => formatMoney(cents, shownCurrency);
const pts = (x: number | null | undefined) => (x === null || x === undefined ? '—' : `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)} pts`);
const hours = (h: number | null) =>
  h === null ? '—' : h < 1 ? `${Math.round(h * 60)} min` : h < 48 ? `${h.toFixed(1)} h` : `${(h / 24).toFixed(1)} days`;

const funnelColors = ['#64748b', '#6366f1', '#3b82f6', '#0ea5e9', '#10b981', '#16a34a'];

/** `live`: the flow screen's live metrics (refreshed every few seconds), shown once newer than the first load. */
export function MetricsTab({
  flowId,
  labels,
  order,
  live,
}: {
  flowId: string;
  labels: ReadonlyMap<string, string>;
  order: string[];
  live?: Metrics | null;
}) {
  const [loaded, setLoaded] = useState<Metrics | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    Promise.all([flowsApi.metrics(flowId), workspaceCurrency()])
      .then(([metrics, code]) => {
        shownCurrency = code; // before the figures render: every amount on the screen in the workspace currency
        setLoaded(metrics);
      })
      .catch((e) => setError(errorText(e)));
  }, [flowId]);
  // the live figures replace the first load once it is there (the currency is known by then)
  const m = loaded && live ? live : loaded;
  if (error)
    return (
      <div className="tab-page">
        <div className="alert error">{error}</div>
      </div>
    );
  if (!m)
    return (
      <div className="tab-page">
        <div className="empty">Loading metrics…</div>
      </div>
    );

  // the server's nested funnel: each stage counts journeys of the stage before, so it never rises
  const stageWords: Record<(typeof m.funnel)[number]['stage'], { step: string; key: string; rate: string }> = {
    entered: { step: 'Entered', key: 'entered', rate: '' },
    sent: { step: 'Sent', key: 'sent', rate: '' },
    delivered: { step: 'Delivered', key: 'delivered', rate: `reach ${percent(m.reachRate)}` },
    clicked: { step: 'Clicked', key: 'clicked', rate: `click ${percent(m.clickRate)}` },
    returned: { step: 'Returned', key: 'returned', rate: `return ${percent(m.returnRate)}` },
    convertedAfterMessage: { step: 'Converted after a message', key: 'converted', rate: '' },
  };
  const funnel = m.funnel.map((f) => ({ ...stageWords[f.stage], stage: f.stage, value: f.count }));
  const retention = m.retention.map((r, i) => ({ day: `d${i + 1}`, share: r === null ? null : Math.round(r * 1000) / 10 }));
  const nodeIds = [...order.filter((id) => id in m.nodes), ...Object.keys(m.nodes).filter((id) => !order.includes(id))];
  const la = m.liftAnalysis;
  const groups = [
    { group: 'Treatment', rate: (m.treatment.conversionRate ?? 0) * 100, n: m.treatment.size, x: m.treatment.converted },
    { group: 'Holdout', rate: (m.holdoutConversionRate ?? 0) * 100, n: m.holdout.size, x: m.holdout.converted },
  ];

  return (
    <div className="tab-page metrics" data-metrics>
      <div className="metrics-actions">
        <span className="muted">Download CSV:</span>
        {(['metrics', 'journeys', 'messages'] as ExportKind[]).map((kind) => (
          <ExportButton key={kind} flowId={flowId} kind={kind} />
        ))}
      </div>
      <section className="card" data-chart="funnel">
        <h2>Recall funnel</h2>
        <div className="stat-grid">
          {funnel.map(({ step, key, value, rate }) => (
            <div className="stat" key={step} data-stat={key}>
              <span className="stat-label">{step}</span>
              <span className="stat-value">
                <Bump value={value}>{value.toLocaleString()}</Bump>
              </span>
              <span className="stat-rate">{rate || '\u00a0'}</span>
            </div>
          ))}
        </div>
        <div className="chart" style={{ height: 220 }}>
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={funnel} margin={{ top: 20, right: 16, bottom: 0, left: 0 }}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="step" tickLine={false} />
              <YAxis allowDecimals={false} width={48} />
              <Tooltip formatter={(v) => [Number(v).toLocaleString(), 'journeys']} />
              <Bar dataKey="value" isAnimationActive={false} radius={[4, 4, 0, 0]}>
                {funnel.map((f, i) => (
                  <Cell key={f.step} fill={funnelColors[i]} />
                ))}
                <LabelList dataKey="rate" position="top" className="chart-label" />
              </Bar>
            </BarChart>
          </ResponsiveContainer>
        </div>
        <p className="organic" data-organic={m.convertedWithoutMessage}>
          {m.convertedWithoutMessage === 0
            ? 'Nobody converted before being messaged.'
            : `${m.convertedWithoutMessage.toLocaleString()} converted without being messaged (they met the goal before any message was sent); ${m.converted.toLocaleString()} converted in all.`}
        </p>
        <p className="hint" data-holdout-note>
          {m.holdout.size === 0
            ? 'The funnel counts every journey: nobody is held out of this flow.'
            : `The funnel counts the journeys that could be messaged; ${m.holdout.size.toLocaleString()} more entered in the holdout and get nothing.`}
        </p>
        <p className="hint" data-lift-basis>
          Lift compares all conversions (treatment vs holdout, intent-to-treat).
        </p>
        <p className="hint">
          Reach = delivered / sent · click = clicked / delivered · return = returned / delivered, counting returns within{' '}
          {durationWords(m.attributionWindow)} of a message.
        </p>
      </section>

      <div className="two-col">
        <section className="card" data-chart="lift">
          <h2>Holdout and lift</h2>
          <p className="lift-summary" data-lift-summary>
            {la.summary}
          </p>
          <div className="chart" style={{ height: 160 }}>
            <ResponsiveContainer width="100%" height="100%">
              <BarChart data={groups} layout="vertical" margin={{ top: 4, right: 48, bottom: 0, left: 8 }}>
                <XAxis type="number" unit=" %" domain={[0, 'auto']} />
                <YAxis type="category" dataKey="group" width={80} />
                <Tooltip formatter={(v) => [`${Number(v).toFixed(1)} %`, 'converted']} />
                <Bar dataKey="rate" isAnimationActive={false} fill="#6366f1">
                  <Cell fill="#6366f1" />
                  <Cell fill="#94a3b8" />
                  <LabelList dataKey="rate" position="right" formatter={(v) => `${Number(v).toFixed(1)} %`} />
                </Bar>
              </BarChart>
            </ResponsiveContainer>
          </div>
          <table className="table compact">
            <tbody>
              <tr>
                <th>Groups</th>
                <td>
                  {m.treatment.converted} of {m.treatment.size} treated · {m.holdout.converted} of {m.holdout.size} held out converted
                </td>
              </tr>
              <tr>
                <th>Lift</th>
                <td data-lift>
                  <strong className={la.absolute !== null && la.absolute < 0 ? 'neg' : ''}>{pts(la.absolute)}</strong>
                  {la.absoluteInterval && (
                    <span className="muted">
                      {' '}
                      (95 % interval {pts(la.absoluteInterval.low)} to {pts(la.absoluteInterval.high)})
                    </span>
                  )}
                </td>
              </tr>
              <tr>
                <th>Relative</th>
                <td>
                  {la.relative === null ? '—' : `${la.relative >= 0 ? '+' : ''}${(la.relative * 100).toFixed(0)} %`}
                  {la.relativeInterval && (
                    <span className="muted">
                      {' '}
                      ({(la.relativeInterval.low * 100).toFixed(0)} % to {(la.relativeInterval.high * 100).toFixed(0)} %)
                    </span>
                  )}
                </td>
              </tr>
            </tbody>
          </table>
          {la.absoluteInterval && <LiftInterval low={la.absoluteInterval.low} high={la.absoluteInterval.high} value={la.absolute ?? 0} />}
        </section>

        <section className="card" data-chart="retention">
          <h2>Retention of returned users</h2>
          {retention.every((r) => r.share === null) ? (
            // an empty chart reads as "broken": say why there is nothing to draw yet
            <div className="empty" data-retention-empty>
              Nobody has come back yet: once returned contacts have had a day, this shows how many stay active.
            </div>
          ) : (
            <div className="chart" style={{ height: 220 }}>
              <ResponsiveContainer width="100%" height="100%">
                <LineChart data={retention} margin={{ top: 12, right: 16, bottom: 0, left: 0 }}>
                  <CartesianGrid strokeDasharray="3 3" vertical={false} />
                  <XAxis dataKey="day" />
                  <YAxis unit=" %" domain={[0, 100]} width={48} />
                  <Tooltip formatter={(v) => [v === null ? '—' : `${v} %`, 'still active']} />
                  <Line type="monotone" dataKey="share" stroke="#10b981" strokeWidth={2} isAnimationActive={false} connectNulls />
                </LineChart>
              </ResponsiveContainer>
            </div>
          )}
          <p className="hint">Share of returned contacts active again on day N after their return.</p>
        </section>
      </div>

      <LayersTable metrics={m} />

      <div className="two-col">
        <section className="card" data-chart="cost">
          <h2>Cost</h2>
          <div className="stat-grid two">
            <div className="stat" data-stat="cost">
              <span className="stat-label">Spent</span>
              <span className="stat-value">{money(m.cost.totalCents)}</span>
              <span className="stat-rate">
                {m.messages.total.toLocaleString()} messages · {m.messages.failed} failed
              </span>
            </div>
            <div className="stat" data-stat="cost-per-converted">
              <span className="stat-label">Per converted contact</span>
              <span className="stat-value">{money(m.cost.perConvertedCents)}</span>
              <span className="stat-rate">{m.messages.unsubscribed} unsubscribed</span>
            </div>
          </div>
          {m.unsubscribesByTopic.length > 0 && (
            <p className="hint" data-topic-unsubscribes>
              Left a topic from this flow’s messages:{' '}
              {m.unsubscribesByTopic
                .map((t) => `${t.name ?? t.topic} ${t.contacts.toLocaleString()} ${t.contacts === 1 ? 'contact' : 'contacts'}`)
                .join(' · ')}
            </p>
          )}
        </section>
        <section className="card" data-chart="reactivation">
          <h2>Time to reactivation</h2>
          <p>
            Median <strong data-median>{hours(m.timeToReactivation.medianHours)}</strong> from the first message to the return.
          </p>
          <div className="chart" style={{ height: 160 }}>
            <ResponsiveContainer width="100%" height="100%">
              <BarChart data={m.timeToReactivation.distribution} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
                <XAxis dataKey="bucket" tickLine={false} />
                <YAxis allowDecimals={false} width={40} />
                <Tooltip formatter={(v) => [v, 'returned contacts']} />
                <Bar dataKey="count" fill="#0ea5e9" isAnimationActive={false} radius={[3, 3, 0, 0]} />
              </BarChart>
            </ResponsiveContainer>
          </div>
        </section>
      </div>

      {Object.keys(m.arms).length > 0 && (
        <section className="card" data-chart="arms">
          <h2>Split arms</h2>
          {Object.entries(m.arms).map(([nodeId, arms]) => {
            const rows = Object.entries(arms).map(([arm, a]) => ({ arm, ...a, rate: (a.conversionRate ?? 0) * 100 }));
            return (
              <div className="arm-block" key={nodeId}>
                <h3>
                  {labels.get(nodeId) ?? nodeId} <code className="muted">{nodeId}</code>
                </h3>
                <div className="two-col">
                  <div className="chart" style={{ height: 40 + rows.length * 36 }}>
                    <ResponsiveContainer width="100%" height="100%">
                      <BarChart data={rows} layout="vertical" margin={{ top: 4, right: 48, bottom: 0, left: 8 }}>
                        <XAxis type="number" unit=" %" />
                        <YAxis type="category" dataKey="arm" width={60} />
                        <Tooltip formatter={(v) => [`${Number(v).toFixed(1)} %`, 'converted']} />
                        <Bar dataKey="rate" fill="#8b5cf6" isAnimationActive={false}>
                          <LabelList dataKey="rate" position="right" formatter={(v) => `${Number(v).toFixed(1)} %`} />
                        </Bar>
                      </BarChart>
                    </ResponsiveContainer>
                  </div>
                  <table className="table compact">
                    <thead>
                      <tr>
                        <th>Arm</th>
                        <th>Journeys</th>
                        <th>Reach</th>
                        <th>Clicked</th>
                        <th>Converted</th>
                        <th>Cost</th>
                      </tr>
                    </thead>
                    <tbody>
                      {rows.map((a) => (
                        <tr key={a.arm} data-arm={a.arm}>
                          <td>{a.arm}</td>
                          <td>{a.journeys}</td>
                          <td>{percent(a.reachRate)}</td>
                          <td>{a.clicked}</td>
                          <td>
                            {a.converted} ({percent(a.conversionRate)})
                          </td>
                          <td>{money(a.costCents)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              </div>
            );
          })}
        </section>
      )}

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
                <th>Cost</th>
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
                    <td>{money(n.costCents)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </section>

      {m.versions.length > 0 && (
        <section className="card" data-versions>
          <h2>By version</h2>
          <table className="table">
            <thead>
              <tr>
                <th>Version</th>
                <th>Entered</th>
                <th>Treatment</th>
                <th>Converted</th>
                <th>Conversion</th>
                <th>Holdout</th>
                <th>Holdout converted</th>
              </tr>
            </thead>
            <tbody>
              {m.versions.map((v) => (
                <tr key={v.version}>
                  <td>v{v.version}</td>
                  <td>{v.entered}</td>
                  <td>{v.treatment}</td>
                  <td>{v.converted}</td>
                  <td>{percent(v.conversionRate)}</td>
                  <td>{v.holdout}</td>
                  <td>{v.holdoutConverted}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </div>
  );
}

/** The lift and its 95 % interval on a line through zero: an interval clear of zero is a finding. */
function LiftInterval({ low, high, value }: { low: number; high: number; value: number }) {
  const data = [{ name: 'lift', value: value * 100, error: [(value - low) * 100, (high - value) * 100] }];
  const raw = Math.max(Math.abs(low), Math.abs(high), 0.01) * 100;
  const step = raw <= 2 ? 0.5 : raw <= 10 ? 2 : raw <= 40 ? 10 : 25;
  const span = Math.ceil((raw * 1.05) / step) * step;
  return (
    <div className="chart" style={{ height: 70 }} data-chart="lift-interval">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} layout="vertical" margin={{ top: 4, right: 24, bottom: 0, left: 8 }}>
          <XAxis
            type="number"
            domain={[-span, span]}
            ticks={[-span, -span / 2, 0, span / 2, span]}
            tickFormatter={(v: number) => `${v > 0 ? '+' : ''}${v} pts`}
          />
          <YAxis type="category" dataKey="name" width={40} />
          <Bar dataKey="value" fill={low > 0 ? '#16a34a' : high < 0 ? '#dc2626' : '#94a3b8'} barSize={14} isAnimationActive={false}>
            <ErrorBar dataKey="error" width={8} strokeWidth={2} stroke="#334155" direction="x" />
          </Bar>
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

function ExportButton({ flowId, kind }: { flowId: string; kind: ExportKind }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <button
      type="button"
      className="btn small"
      data-export={kind}
      disabled={busy}
      title={error ?? undefined}
      onClick={() => {
        setBusy(true);
        setError(null);
        download(exportPath(flowId, kind), `${kind}.csv`)
          .catch((e) => setError(errorText(e)))
          .finally(() => setBusy(false));
      }}
    >
      {busy ? 'Preparing…' : error ? `${kind} (failed, retry)` : `${kind[0].toUpperCase()}${kind.slice(1)}`}
    </button>
  );
}
