/**
 * Settings → Guardrails → Provider rate limits: per channel, at most N messages a second, minute, hour or day, across
 * every engine process; messages over a limit wait in the outbox, in order. SEND_RATE_LIMITS on the server wins
 * over these when it is set: the screen says so.
 */
import type { WorkspaceSettings } from '../api';
import { channelKinds } from '../engine';
import { channelNames } from '../nodes/channel/channel-names';
import { periodWords } from './operations-view';

type Limit = WorkspaceSettings['sendRateLimits'][number];
const periods = Object.keys(periodWords) as Limit['per'][];

export function RateLimitFields({
  limits,
  onChange,
  fromEnvironment,
}: {
  limits: Limit[];
  onChange: (limits: Limit[]) => void;
  fromEnvironment: boolean;
}) {
  const replace = (i: number, patch: Partial<Limit>) => onChange(limits.map((l, j) => (j === i ? { ...l, ...patch } : l)));
  return (
    <div data-rate-limits>
      <h2>Provider rate limits</h2>
      <p className="hint">
        What your providers allow, across every engine process. Messages over a limit wait in the outbox and go in order as room frees up;
        none is dropped.
      </p>
      {fromEnvironment && (
        <div className="alert info" data-rate-limits-overridden>
          The server sets SEND_RATE_LIMITS, which wins: the limits below apply only once it is removed. Operations shows the limits in
          force.
        </div>
      )}
      {limits.length === 0 && <p className="muted">No limit: messages go as fast as the engine sends them.</p>}
      {limits.map((l, i) => {
        const invalid = !Number.isInteger(l.limit) || l.limit < 1;
        return (
          <div className="row-inline" key={i} data-rate-limit-row={i}>
            <label className="field">
              <span>Channel</span>
              <select
                name={`limit-channel-${i}`}
                value={l.channel}
                onChange={(e) => replace(i, { channel: e.target.value as Limit['channel'] })}
              >
                {channelKinds.map((c) => (
                  <option key={c} value={c}>
                    {channelNames[c]}
                  </option>
                ))}
              </select>
            </label>
            <label className={`field ${invalid ? 'invalid' : ''}`}>
              <span>At most (messages)</span>
              <input
                type="number"
                min={1}
                name={`limit-count-${i}`}
                value={Number.isNaN(l.limit) ? '' : l.limit}
                onChange={(e) => replace(i, { limit: e.target.value === '' ? NaN : Number(e.target.value) })}
              />
              {invalid && <small className="field-error">A whole number of messages, at least 1.</small>}
            </label>
            <label className="field">
              <span>per</span>
              <select name={`limit-per-${i}`} value={l.per} onChange={(e) => replace(i, { per: e.target.value as Limit['per'] })}>
                {periods.map((p) => (
                  <option key={p} value={p}>
                    {periodWords[p]}
                  </option>
                ))}
              </select>
            </label>
            <button type="button" className="btn small ghost" onClick={() => onChange(limits.filter((_, j) => j !== i))}>
              Remove
            </button>
          </div>
        );
      })}
      <button type="button" className="btn small" onClick={() => onChange([...limits, { channel: 'sms', limit: 10, per: 's' }])}>
        Add a limit
      </button>
    </div>
  );
}
