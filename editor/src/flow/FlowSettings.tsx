/**
 * The flow's settings in plain words (issue 21): the holdout, re-entry (the trigger's `reentry`) and quiet hours, each
 * with its consequence in one sentence. Edits go into the flow being edited like any other edit; autosave saves them.
 * Holdout and quiet hours are not versioned: on a live flow they apply at once, so they need the "operate" permission.
 */
import { useEffect, useState } from 'react';
import { adminApi } from '../api';
import type { FlowQuietHours, Reentry } from '../engine';
import { DurationField, Field, IntegerField } from '../forms/fields';
import { Modal } from './Dialogs';
import { holdoutSentence, quietHoursSentence, reentrySentence, type QuietWindow } from './flow-settings-words';

type QuietChoice = 'workspace' | 'off' | 'own';

export function FlowSettingsDialog({
  holdoutPercent,
  quietHours,
  onSettings,
  reentry,
  onReentry,
  hasTrigger,
  canEditGraph,
  canEditSettings,
  live,
  onClose,
}: {
  holdoutPercent: number;
  quietHours: FlowQuietHours;
  onSettings: (patch: { holdoutPercent?: number; quietHours?: FlowQuietHours }) => void;
  reentry: Reentry | undefined;
  onReentry: (reentry: Reentry) => void;
  hasTrigger: boolean;
  /** re-entry lives in the graph: whoever may edit the flow may change it */
  canEditGraph: boolean;
  /** holdout and quiet hours: on a live flow only those who may operate it */
  canEditSettings: boolean;
  live: boolean;
  onClose: () => void;
}) {
  const workspace = useWorkspaceQuietHours();
  const quietChoice: QuietChoice = typeof quietHours === 'object' ? 'own' : quietHours;
  const again = reentry !== undefined && reentry !== 'never';
  return (
    <Modal title="Flow settings" onClose={onClose}>
      <div className="flow-settings" data-flow-settings>
        {live && (
          <p className="hint" data-live-note>
            This flow is live: a new holdout or quiet hours apply to its contacts as soon as they are saved; a new re-entry rule goes live
            when you publish.
          </p>
        )}
        {live && !canEditSettings && (
          <p className="muted">Holdout and quiet hours of a live flow can be changed by those who operate it.</p>
        )}

        <fieldset className="setting" data-setting="holdout" disabled={!canEditSettings}>
          <legend>Holdout</legend>
          <IntegerField
            label="Journeys held out (%)"
            name="holdoutPercent"
            issueKey="holdoutPercent"
            min={0}
            max={50}
            value={holdoutPercent}
            disabled={!canEditSettings}
            onChange={(value) => value !== undefined && onSettings({ holdoutPercent: value })}
          />
          <p className="hint" data-sentence="holdout">
            {holdoutSentence(holdoutPercent)}
          </p>
        </fieldset>

        <fieldset className="setting" data-setting="reentry" disabled={!canEditGraph || !hasTrigger}>
          <legend>Re-entry</legend>
          {!hasTrigger && <p className="muted">Add a trigger step first: re-entry is part of who enters.</p>}
          <label className="check">
            <input type="radio" name="reentry" value="never" checked={!again} onChange={() => onReentry('never')} />
            <span>Once per contact</span>
          </label>
          <label className="check">
            <input type="radio" name="reentry" value="again" checked={again} onChange={() => onReentry({ cooldown: 'P30D' })} />
            <span>Again, after a wait</span>
          </label>
          {again && (
            <DurationField
              label="Can enter again after"
              name="reentryCooldown"
              value={reentry.cooldown}
              disabled={!canEditGraph}
              onChange={(cooldown) => onReentry({ cooldown })}
            />
          )}
          <p className="hint" data-sentence="reentry">
            {reentrySentence(reentry)}
          </p>
        </fieldset>

        <fieldset className="setting" data-setting="quietHours" disabled={!canEditSettings}>
          <legend>Quiet hours</legend>
          <label className="check">
            <input
              type="radio"
              name="quietHours"
              value="workspace"
              checked={quietChoice === 'workspace'}
              onChange={() => onSettings({ quietHours: 'workspace' })}
            />
            <span>
              The workspace's
              {workspace ? ` (${workspace.start}–${workspace.end})` : workspace === null ? ' (none)' : ''}
            </span>
          </label>
          <label className="check">
            <input
              type="radio"
              name="quietHours"
              value="off"
              checked={quietChoice === 'off'}
              onChange={() => onSettings({ quietHours: 'off' })}
            />
            <span>None: send at any hour</span>
          </label>
          <label className="check">
            <input
              type="radio"
              name="quietHours"
              value="own"
              checked={quietChoice === 'own'}
              onChange={() => onSettings({ quietHours: workspace ?? { start: '21:00', end: '09:00' } })}
            />
            <span>This flow's own hours</span>
          </label>
          {typeof quietHours === 'object' && (
            <div className="row-inline">
              <Field label="No messages from" issueKey="quietStart">
                <input
                  type="time"
                  name="quietStart"
                  step={60}
                  value={quietHours.start}
                  onChange={(e) => e.target.value && onSettings({ quietHours: { ...quietHours, start: e.target.value } })}
                />
              </Field>
              <Field label="Until" issueKey="quietEnd">
                <input
                  type="time"
                  name="quietEnd"
                  step={60}
                  value={quietHours.end}
                  onChange={(e) => e.target.value && onSettings({ quietHours: { ...quietHours, end: e.target.value } })}
                />
              </Field>
            </div>
          )}
          <p className="hint" data-sentence="quietHours">
            {quietHoursSentence(quietHours, workspace)}
          </p>
        </fieldset>

        <div className="modal-actions">
          <button className="btn primary" data-action="close-settings" onClick={onClose}>
            Done
          </button>
        </div>
      </div>
    </Modal>
  );
}

/** The workspace's quiet hours (null: none), or undefined until they are known (or when they cannot be read). */
function useWorkspaceQuietHours(): QuietWindow | null | undefined {
  const [quiet, setQuiet] = useState<QuietWindow | null | undefined>(undefined);
  useEffect(() => {
    adminApi
      .settings()
      .then((s) => setQuiet(s.quietHours))
      .catch(() => setQuiet(undefined));
  }, []);
  return quiet;
}
