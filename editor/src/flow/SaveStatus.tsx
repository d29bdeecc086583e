/** The autosave's state and the line beside the flow's name that tells it ("Saved · 12:04"). */

/** The autosave line in the bar: what happened to the last save. */
export type SaveState =
  | { kind: 'idle' }
  | { kind: 'saving' }
  | { kind: 'saved'; at: Date }
  | { kind: 'failed'; text: string; key: string }
  | { kind: 'conflict'; text: string };

/** Edits are saved this long after the last change (a per-browser preference may lengthen it: `boomerang.autosaveDelayMs`). */
export const AUTOSAVE_DELAY_MS = 2500;
export function autosaveDelay(): number {
  const chosen = Number(localStorage.getItem('boomerang.autosaveDelayMs'));
  return Number.isFinite(chosen) && chosen > 0 ? chosen : AUTOSAVE_DELAY_MS;
}

/** The server's conflict message with its ISO time in the viewer's words. */
export function conflictText(message: string): string {
  return message.replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/, (iso) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }));
}

/** "Saved · 12:04", "Saving…", "Unsaved changes" or why the last save failed, beside the flow's name. */
export function SaveStatus({ state, unsaved }: { state: SaveState; unsaved: boolean }) {
  const time = (d: Date) => d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  if (state.kind === 'saving')
    return (
      <span className="save-status saving" data-save-status="saving">
        Saving…
      </span>
    );
  if (state.kind === 'conflict')
    return (
      <span className="save-status failed" data-save-status="conflict">
        Not saved: someone else saved
      </span>
    );
  if (unsaved && state.kind === 'failed')
    return (
      <span className="save-status failed" data-save-status="failed" title={state.text}>
        Not saved: {state.text}
      </span>
    );
  if (unsaved)
    return (
      <span className="save-status unsaved" data-save-status="unsaved">
        Unsaved changes
      </span>
    );
  if (state.kind === 'saved')
    return (
      <span className="save-status saved" data-save-status="saved">
        Saved · {time(state.at)}
      </span>
    );
  return null;
}
