/** Safe publishing: the Publish dialog (diff + migration choice with counts), the Activate confirmation (estimate). */
import { useEffect, useState, type ReactNode } from 'react';
import { errorText, publishingApi, type Estimate, type PublishPreview } from '../api';
import { holdoutSentence } from './flow-settings-words';

export function Modal({ title, children, onClose }: { title: string; children: ReactNode; onClose: () => void }) {
  return (
    <div className="modal-backdrop" onClick={onClose}>
      <div className="modal" role="dialog" aria-label={title} onClick={(e) => e.stopPropagation()}>
        <div className="modal-head">
          <h2>{title}</h2>
          <button className="close" aria-label="Close" onClick={onClose}>
            ×
          </button>
        </div>
        {children}
      </div>
    </div>
  );
}

export function PublishDialog({
  flowId,
  name,
  onDone,
  onClose,
}: {
  flowId: string;
  name: (id: string) => string;
  onDone: (text: string) => void;
  onClose: () => void;
}) {
  const [preview, setPreview] = useState<PublishPreview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [migrate, setMigrate] = useState<'move' | 'stay'>('move');
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    publishingApi
      .preview(flowId)
      .then(setPreview)
      .catch((e) => setError(errorText(e)));
  }, [flowId]);
  const list = (ids: string[]) => ids.map((id) => `“${name(id)}”`).join(', ');
  return (
    <Modal title="Publish changes" onClose={onClose}>
      {error && <div className="alert error">{error}</div>}
      {!preview && !error && <p className="muted">Comparing with the live version…</p>}
      {preview && (
        <div className="publish" data-publish>
          <p>
            Version {preview.draftVersion} replaces live version {preview.liveVersion}. New contacts enter the new version at once.
          </p>
          <ul className="diff">
            {preview.diff.changed.length > 0 && <li className="diff-changed">Changed: {list(preview.diff.changed)}</li>}
            {preview.diff.added.length > 0 && <li className="diff-added">Added: {list(preview.diff.added)}</li>}
            {preview.diff.removed.length > 0 && <li className="diff-removed">Removed: {list(preview.diff.removed)}</li>}
            {preview.diff.edgesAdded.length + preview.diff.edgesRemoved.length > 0 && (
              <li>
                Connections: {preview.diff.edgesAdded.length} added, {preview.diff.edgesRemoved.length} removed
              </li>
            )}
            {!preview.pending && <li className="muted">No changes from the live version.</li>}
          </ul>
          {!preview.validation.valid && (
            <div className="alert error">The draft has {preview.validation.errors.length} problem(s); fix them before publishing.</div>
          )}
          <fieldset className="migrate">
            <legend>
              {preview.totals.waiting} journey{preview.totals.waiting === 1 ? ' is' : 's are'} waiting in this flow
              {preview.totals.atChangedSteps > 0 ? `, ${preview.totals.atChangedSteps} of them at a changed step` : ''}
              {preview.totals.atRemovedSteps > 0
                ? `, ${preview.totals.atRemovedSteps} at a removed step (they finish on the old version)`
                : ''}
              .
            </legend>
            <label className="check">
              <input type="radio" name="migrate" value="move" checked={migrate === 'move'} onChange={() => setMigrate('move')} />
              <span>
                <strong>Move them to the new version</strong>: each continues from the same step with the new settings.
              </span>
            </label>
            <label className="check">
              <input type="radio" name="migrate" value="stay" checked={migrate === 'stay'} onChange={() => setMigrate('stay')} />
              <span>
                <strong>Let them finish on the old version</strong>: only new entrants see the changes.
              </span>
            </label>
          </fieldset>
          <div className="modal-actions">
            <button className="btn ghost" onClick={onClose}>
              Cancel
            </button>
            <button
              className="btn success"
              data-action="confirm-publish"
              disabled={busy || !preview.validation.valid || preview.draftVersion === null}
              onClick={() => {
                setBusy(true);
                publishingApi
                  .publish(flowId, migrate)
                  .then((f) =>
                    onDone(
                      `Published: version ${f.liveVersion} is live${migrate === 'move' ? '; waiting journeys moved to it' : '; waiting journeys finish on their version'}.`,
                    ),
                  )
                  .catch((e) => {
                    setError(errorText(e));
                    setBusy(false);
                  });
              }}
            >
              Publish version {preview.draftVersion}
            </button>
          </div>
        </div>
      )}
    </Modal>
  );
}

export function ActivateDialog({
  flowId,
  resume,
  holdoutPercent,
  onConfirm,
  onClose,
}: {
  flowId: string;
  resume: boolean;
  holdoutPercent: number;
  /** with the holdout the user chose (the flow's setting is changed first when it differs) */
  onConfirm: (holdoutPercent: number) => void;
  onClose: () => void;
}) {
  const [holdout, setHoldout] = useState(String(holdoutPercent));
  const holdoutValue = Number(holdout);
  const holdoutOk = holdout.trim() !== '' && Number.isInteger(holdoutValue) && holdoutValue >= 0 && holdoutValue <= 50;
  const [estimate, setEstimate] = useState<Estimate | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    publishingApi
      .estimate(flowId)
      .then(setEstimate)
      .catch(() => setFailed(true));
  }, [flowId]);
  return (
    <Modal title={resume ? 'Resume this flow?' : 'Activate this flow?'} onClose={onClose}>
      <div data-activate>
        <p className="estimate" data-estimate={estimate?.count ?? ''}>
          {failed
            ? 'Estimate unavailable: the audience could not be counted.'
            : !estimate
              ? 'Counting the audience…'
              : estimate.count === null
                ? `Estimate unavailable: ${estimate.reason}.`
                : estimate.kind === 'event'
                  ? 'Contacts enter as the trigger event arrives from now on (none enter at once).'
                  : `${estimate.count.toLocaleString()} contact${estimate.count === 1 ? '' : 's'} would enter now.`}
        </p>
        <label className="field" data-field="holdout">
          <span>Holdout (control group)</span>
          <span className="duration-picker">
            <input
              type="number"
              name="holdoutPercent"
              min={0}
              max={50}
              step={1}
              value={holdout}
              onChange={(e) => setHoldout(e.target.value)}
              aria-label="Holdout percent"
            />
            <span className="muted">% of the people who enter</span>
          </span>
          <span className={holdoutOk ? 'hint' : 'field-error'} data-holdout-sentence>
            {!holdoutOk ? 'A whole number from 0 to 50.' : holdoutSentence(holdoutValue)}
          </span>
        </label>
        <p className="muted">Messages are sent within quiet hours and frequency caps.</p>
        <div className="modal-actions">
          <button className="btn ghost" onClick={onClose}>
            Cancel
          </button>
          <button className="btn success" data-action="confirm-activate" disabled={!holdoutOk} onClick={() => onConfirm(holdoutValue)}>
            {resume ? 'Resume' : 'Activate'}
          </button>
        </div>
      </div>
    </Modal>
  );
}
