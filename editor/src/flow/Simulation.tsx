/**
 * "Simulate 30 days": starts a simulation job of the flow's current version (a draft too), polls its progress, then
 * shows the report — expected entries, sends per channel and day, cost, returns and conversions per step. Loaded
 * lazily (recharts). The per-step figures are handed up so the canvas cards can show them.
 */
import { formatMoney, workspaceCurrency } from '../money';
import { useEffect, useRef, useState } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { errorText, simulationApi, type SimulationJob, type SimulationReport } from '../api';

const channelColors: Record<string, string> = { email: '#3b82f6', push: '#8b5cf6', sms: '#10b981', webhook: '#64748b' };
/** The workspace currency: asked for when the panel opens, long before a report shows an amount. */
let shownCurrency = 'USD';
const money = (cents: number) => formatMoney(cents, shownCurrency);
const pct = (r: number | null) => (r === null ? '—' : `${(r * 100).toFixed(1)} %`);
const POLL_MS = 1000;

export function SimulationPanel({
  flowId,
  days,
  labels,
  order,
  onReport,
  onClose,
}: {
  flowId: string;
  days: number;
  labels: ReadonlyMap<string, string>;
  order: string[];
  onReport: (report: SimulationReport | null) => void;
  onClose: () => void;
}) {
  useEffect(() => {
    void workspaceCurrency().then((code) => (shownCurrency = code));
  }, []);
  const [job, setJob] = useState<SimulationJob | null>(null);
  const [error, setError] = useState<string | null>(null);
  const reported = useRef(onReport);
  reported.current = onReport;

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = (jobId: string) => {
      timer = setTimeout(() => {
        simulationApi
          .get(flowId, jobId)
          .then((j) => {
            if (stopped) return;
            setJob(j);
            if (j.status === 'running') poll(jobId);
            else if (j.report) reported.current(j.report);
          })
          .catch((e) => !stopped && setError(errorText(e)));
      }, POLL_MS);
    };
    simulationApi
      .start(flowId, days)
      .then((j) => {
        if (stopped) return;
        setJob(j);
        poll(j.jobId);
      })
      .catch(
        (e) =>
          !stopped &&
          setError(
            e instanceof Error && 'status' in e && e.status === 409
              ? 'Another simulation is running; try again in a minute.'
              : errorText(e),
          ),
      );
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [flowId, days]);

  const percent = job?.progress?.percent ?? 0;
  return (
    <section className="card sim-panel" data-simulation={job?.status ?? 'starting'} role="dialog" aria-label="Simulation">
      <div className="card-head">
        <h2>Simulation: {days} days</h2>
        <button className="btn small ghost" onClick={onClose} aria-label="Close simulation">
          Close
        </button>
      </div>
      {error ? (
        <div className="alert error">{error}</div>
      ) : job?.status === 'failed' ? (
        <div className="alert error">The simulation failed: {job.error}</div>
      ) : !job || job.status === 'running' ? (
        <div data-sim-progress={percent}>
          <p>Running the flow on a copy of your contacts and their recent behaviour; nothing is sent.</p>
          <div className="progress" role="progressbar" aria-valuenow={percent} aria-valuemin={0} aria-valuemax={100}>
            <span style={{ width: `${percent}%` }} />
          </div>
          <p className="muted">
            {job?.progress
              ? `${percent} % · virtual day ${Math.floor(job.progress.hoursDone / 24)} of ${Math.round(job.progress.hours / 24)}`
              : 'Starting…'}
          </p>
        </div>
      ) : job.report ? (
        <Report report={job.report} labels={labels} order={order} />
      ) : null}
    </section>
  );
}

function Report({ report, labels, order }: { report: SimulationReport; labels: ReadonlyMap<string, string>; order: string[] }) {
  const channels = Object.keys(report.sends.byChannel);
  const byDay = new Map<number, Record<string, number>>();
  for (let d = 1; d <= report.days; d++) byDay.set(d, { day: d });
  for (const row of report.sends.byDay) {
    const entry = byDay.get(row.day) ?? { day: row.day };
    entry[row.channel] = (entry[row.channel] ?? 0) + row.sent;
    byDay.set(row.day, entry);
  }
  const dayData = [...byDay.values()].sort((a, b) => a.day - b.day);
  const nodeIds = [...order.filter((id) => id in report.nodes), ...Object.keys(report.nodes).filter((id) => !order.includes(id))];
  return (
    <div data-sim-report>
      <div className="stat-grid two">
        <div className="stat" data-stat="sim-entries">
          <span className="stat-label">Expected entries</span>
          <span className="stat-value">{report.entries.total.toLocaleString()}</span>
          <span className="stat-rate">
            {report.entries.treatment} treated · {report.entries.holdout} held out
          </span>
        </div>
        <div className="stat" data-stat="sim-conversions">
          <span className="stat-label">Conversions</span>
          <span className="stat-value">{report.conversions.treatment.toLocaleString()}</span>
          <span className="stat-rate">
            {pct(report.conversions.treatmentRate)} treated vs {pct(report.conversions.holdoutRate)} held out
          </span>
        </div>
        <div className="stat" data-stat="sim-cost">
          <span className="stat-label">Cost</span>
          <span className="stat-value">{money(report.costCents)}</span>
          <span className="stat-rate">{report.returns.toLocaleString()} returns</span>
        </div>
        <div className="stat" data-stat="sim-contacts">
          <span className="stat-label">Contacts simulated</span>
          <span className="stat-value">{report.contacts.toLocaleString()}</span>
          <span className="stat-rate">version {report.version}</span>
        </div>
      </div>
      <h3>Sends per day</h3>
      <div className="chart" style={{ height: 180 }} data-chart="sim-days">
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={dayData} margin={{ top: 4, right: 8, bottom: 0, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="day" tickLine={false} />
            <YAxis allowDecimals={false} width={40} />
            <Tooltip labelFormatter={(d) => `Day ${d}`} />
            <Legend />
            {channels.map((c) => (
              <Bar key={c} dataKey={c} stackId="sends" fill={channelColors[c] ?? '#94a3b8'} isAnimationActive={false} />
            ))}
          </BarChart>
        </ResponsiveContainer>
      </div>
      <table className="table compact" data-sim-channels>
        <thead>
          <tr>
            <th>Channel</th>
            <th>Sent</th>
            <th>Delivered</th>
            <th>Cost</th>
          </tr>
        </thead>
        <tbody>
          {channels.map((c) => (
            <tr key={c}>
              <td>{c}</td>
              <td>{report.sends.byChannel[c].sent}</td>
              <td>{report.sends.byChannel[c].delivered}</td>
              <td>{money(report.sends.byChannel[c].costCents)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>By step</h3>
      <table className="table compact" data-sim-nodes>
        <thead>
          <tr>
            <th>Step</th>
            <th>Entered</th>
            <th>Sent</th>
            <th>Returns</th>
            <th>Conversions</th>
            <th>Cost</th>
          </tr>
        </thead>
        <tbody>
          {nodeIds.map((id) => {
            const n = report.nodes[id];
            return (
              <tr key={id}>
                <td>{labels.get(id) ?? id}</td>
                <td>{n.entered}</td>
                <td>{n.sent}</td>
                <td>{n.returns}</td>
                <td>{n.conversions}</td>
                <td>{money(n.costCents)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <p className="hint">{report.assumptions}</p>
    </div>
  );
}
