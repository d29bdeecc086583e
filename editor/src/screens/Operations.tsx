/**
 * Operations: is the engine keeping up? The counts of `/api/health/details` in plain words (all fine / needs
 * attention), flows whose enrollment is slow, provider rate limits with their current rate and backlog, and the engine
 * processes with their last tick; refreshed every 5 s.
 */
import { useEffect, useState } from 'react';
import { errorText } from '../api';
import { href } from '../router';
import { when } from '../ui';
import { operationsApi, type OperationsReport } from './operations-api';
import { operationsChecks, rateLimitWords, secondsAgo } from './operations-view';
import { channelNames } from '../nodes/channel/channel-names';
import type { ChannelKind } from '../engine';

export const REFRESH_MS = 5_000;

export function OperationsPage() {
  const [report, setReport] = useState<OperationsReport | null>(null);
  const [fetchedAt, setFetchedAt] = useState<Date | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let stopped = false;
    const load = () =>
      operationsApi
        .details()
        .then((r) => {
          if (stopped) return;
          setReport(r);
          setFetchedAt(new Date());
          setError(null);
        })
        .catch((e) => !stopped && setError(errorText(e)));
    void load();
    const timer = setInterval(load, REFRESH_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, []);

  const checks = report ? operationsChecks(report) : [];
  const attention = checks.filter((c) => c.state === 'attention');
  return (
    <div className="page" data-operations>
      <div className="page-head">
        <div>
          <h1>Operations</h1>
          <div className="muted">
            Is the engine keeping up? Refreshes every {REFRESH_MS / 1000} s
            {fetchedAt && <span data-ops-updated> · updated {fetchedAt.toLocaleTimeString()}</span>}
            {report && <> · engine clock {when(report.now)}</>}
          </div>
        </div>
      </div>
      {error && <div className="alert error">Could not refresh: {error}</div>}
      {!report ? (
        !error && <div className="empty">Loading…</div>
      ) : (
        <>
          <div
            className={`alert ${attention.length ? 'error' : 'ok'} ops-verdict`}
            data-ops-verdict={attention.length ? 'attention' : 'fine'}
          >
            {attention.length
              ? `Needs attention: ${attention.map((c) => c.label.toLowerCase()).join(', ')}.`
              : 'All fine: journeys and messages are on time and the engine is ticking.'}
          </div>
          <div className="ops-grid">
            {checks.map((c) => (
              <div className={`stat ops-check ${c.state}`} key={c.key} data-ops={c.key} data-state={c.state}>
                <span className="stat-label ops-label">
                  <span>{c.label}</span>
                  <span className={`badge ${c.state === 'fine' ? 'status-active' : 'status-failed'}`}>
                    {c.state === 'fine' ? 'fine' : 'attention'}
                  </span>
                </span>
                <span className="stat-value">{c.value.toLocaleString('en')}</span>
                <span className="ops-words">{c.words}</span>
              </div>
            ))}
          </div>

          {report.enrollment.flows.length > 0 && (
            <div className="card" data-ops-slow-flows>
              <div className="card-head">
                <h2>Flows enrolling slowly</h2>
              </div>
              <table className="table">
                <thead>
                  <tr>
                    <th>Flow</th>
                    <th>Trigger events waiting</th>
                    <th>Oldest received</th>
                  </tr>
                </thead>
                <tbody>
                  {report.enrollment.flows.map((f) => (
                    <tr key={f.flowId}>
                      <td>
                        <a href={href({ name: 'flow', id: f.flowId, tab: 'canvas' })}>{f.name}</a>
                      </td>
                      <td>{f.waiting.toLocaleString('en')}</td>
                      <td>{when(f.oldestReceivedAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}

          {(report.rateLimits?.length ?? 0) > 0 && (
            <div className="card" data-ops-rate-limits>
              <div className="card-head">
                <h2>Provider rate limits</h2>
                <span className="muted">
                  {report.rateLimitsFrom === 'environment'
                    ? 'from SEND_RATE_LIMITS (it wins over Settings → Guardrails)'
                    : 'from Settings → Guardrails'}
                </span>
              </div>
              <table className="table">
                <thead>
                  <tr>
                    <th>Channel</th>
                    <th>Limit</th>
                    <th>Current rate</th>
                    <th>Backlog</th>
                  </tr>
                </thead>
                <tbody>
                  {report.rateLimits!.map((l) => {
                    const words = rateLimitWords(l);
                    return (
                      <tr key={`${l.channel}:${l.limit}/${l.per}`} data-rate-limit={`${l.channel}:${l.limit}/${l.per}`}>
                        <td>{channelNames[l.channel as ChannelKind] ?? l.channel}</td>
                        <td>{words.limit}</td>
                        <td data-rate>{words.rate}</td>
                        <td data-backlog className={l.backlog > 0 ? 'neg' : 'muted'}>
                          {words.backlog}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}

          <div className="card" data-ops-processes>
            <div className="card-head">
              <h2>Engine processes</h2>
              <span className="muted">alive = a tick within the last {report.engine.aliveAfterSeconds} s</span>
            </div>
            {report.engine.processes.length === 0 ? (
              <div className="empty">No engine process has ever ticked against this database.</div>
            ) : (
              <table className="table">
                <thead>
                  <tr>
                    <th>Process</th>
                    <th>State</th>
                    <th>Last tick</th>
                    <th>Ticks</th>
                    <th>Last tick took</th>
                    <th>Started</th>
                    <th>Last error</th>
                  </tr>
                </thead>
                <tbody>
                  {report.engine.processes.map((p) => (
                    <tr key={p.id} data-process={p.id}>
                      <td>
                        <code>{p.id}</code>
                        <div className="muted small">
                          {p.hostname} · pid {p.pid}
                        </div>
                      </td>
                      <td>
                        <span className={`badge ${p.alive ? 'status-active' : 'status-failed'}`}>{p.alive ? 'alive' : 'silent'}</span>
                      </td>
                      <td data-last-tick title={p.lastTickAt ? `engine clock ${when(p.lastTickAt)}` : undefined}>
                        last tick {secondsAgo(p.secondsSinceSeen)}
                      </td>
                      <td>{p.ticks.toLocaleString('en')}</td>
                      <td>{p.lastTickMs === null ? '—' : `${p.lastTickMs.toLocaleString('en')} ms`}</td>
                      <td>{when(p.startedAt)}</td>
                      <td className={p.lastError ? 'neg' : 'muted'}>{p.lastError ?? 'none'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </div>
          <p className="muted small">
            Prometheus scrapes the same figures at <code>/metrics</code> with <code>Authorization: Bearer $METRICS_TOKEN</code>.
          </p>
        </>
      )}
    </div>
  );
}
