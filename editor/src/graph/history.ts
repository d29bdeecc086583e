/** Undo/redo over document snapshots: pure, capped, and a new edit after undo drops the redo branch. */
export interface History<S> {
  past: S[];
  present: S;
  future: S[];
}

export const HISTORY_LIMIT = 100;

export function startHistory<S>(present: S): History<S> {
  return { past: [], present, future: [] };
}

export function record<S>(h: History<S>, next: S, same: (a: S, b: S) => boolean = Object.is): History<S> {
  if (same(h.present, next)) return h;
  return { past: [...h.past, h.present].slice(-HISTORY_LIMIT), present: next, future: [] };
}

export function undo<S>(h: History<S>): History<S> {
  if (h.past.length === 0) return h;
  return { past: h.past.slice(0, -1), present: h.past[h.past.length - 1], future: [h.present, ...h.future] };
}

export function redo<S>(h: History<S>): History<S> {
  if (h.future.length === 0) return h;
  return { past: [...h.past, h.present], present: h.future[0], future: h.future.slice(1) };
}
