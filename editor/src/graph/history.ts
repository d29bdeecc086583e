/** Undo/redo stacks of canvas snapshots: pure, capped, and a new edit after undo drops the redo branch. */
export interface UndoStacks<S> {
  past: S[];
  future: S[];
}

export const HISTORY_LIMIT = 100;

export function emptyStacks<S>(): UndoStacks<S> {
  return { past: [], future: [] };
}

/** Before an edit: remember the state it starts from. */
export function remember<S>(h: UndoStacks<S>, current: S): UndoStacks<S> {
  return { past: [...h.past, current].slice(-HISTORY_LIMIT), future: [] };
}

/** The state to go back to (null when there is none) and the stacks after. */
export function undo<S>(h: UndoStacks<S>, current: S): { state: S | null; stacks: UndoStacks<S> } {
  if (h.past.length === 0) return { state: null, stacks: h };
  return { state: h.past[h.past.length - 1], stacks: { past: h.past.slice(0, -1), future: [current, ...h.future] } };
}

export function redo<S>(h: UndoStacks<S>, current: S): { state: S | null; stacks: UndoStacks<S> } {
  if (h.future.length === 0) return { state: null, stacks: h };
  return { state: h.future[0], stacks: { past: [...h.past, current].slice(-HISTORY_LIMIT), future: h.future.slice(1) } };
}
