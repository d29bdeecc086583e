/**
 * Live screens without F5: `useLive` re-runs a load every few seconds while the tab is visible (and at once when it
 * becomes visible again), `LiveIndicator` says quietly whether the last refresh worked, and `Bump` highlights a
 * number for a moment when it changes.
 */
import { useEffect, useRef, useState, type ReactNode } from 'react';

/** How often live screens refresh: the issue asks for at most 5 s. */
export const LIVE_INTERVAL_MS = 4000;

export type LiveState = 'live' | 'stale' | 'starting';

/**
 * Calls `load` now and every `LIVE_INTERVAL_MS` while the page is visible; never two loads at once. `deps` restart it
 * (a new flow id). Answers whether the last load worked.
 */
export function useLive(load: () => Promise<unknown>, deps: readonly unknown[]): LiveState {
  const [state, setState] = useState<LiveState>('starting');
  const latest = useRef(load);
  latest.current = load;
  useEffect(() => {
    let stopped = false;
    let running = false;
    const tick = () => {
      if (stopped || running || document.visibilityState === 'hidden') return;
      running = true;
      latest
        .current()
        .then(
          () => !stopped && setState('live'),
          () => !stopped && setState('stale'),
        )
        .finally(() => {
          running = false;
        });
    };
    tick();
    const timer = window.setInterval(tick, LIVE_INTERVAL_MS);
    document.addEventListener('visibilitychange', tick);
    return () => {
      stopped = true;
      window.clearInterval(timer);
      document.removeEventListener('visibilitychange', tick);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `deps` is the caller's restart key
  }, deps);
  return state;
}

export function LiveIndicator({ state }: { state: LiveState }) {
  if (state === 'starting') return null;
  return (
    <span
      className={`live-indicator ${state}`}
      data-live={state}
      title={state === 'live' ? `Refreshes on its own every ${LIVE_INTERVAL_MS / 1000} s` : 'Could not refresh; retrying'}
    >
      <span className="live-dot" aria-hidden="true" />
      {state === 'live' ? 'live' : 'reconnecting…'}
    </span>
  );
}

/** Its children, highlighted for a moment whenever `value` changes after the first render. */
export function Bump({ value, children }: { value: unknown; children: ReactNode }) {
  const first = useRef(value);
  const [bumped, setBumped] = useState(0);
  useEffect(() => {
    if (Object.is(value, first.current)) return;
    first.current = value;
    setBumped((n) => n + 1);
  }, [value]);
  return (
    <span key={bumped} className={bumped ? 'bump' : undefined} data-bumped={bumped || undefined}>
      {children}
    </span>
  );
}
