/**
 * "Import CSV" on the Contacts page: contacts or events from a CSV file, with a progress bar read from the NDJSON
 * progress stream, and the rejected rows (line and reason) to download when any were refused.
 */
import { useRef, useState } from 'react';
import { download, errorText, importsApi, type ImportKind, type ImportProgress } from '../api';

const columns: Record<ImportKind, string> = {
  contacts: 'externalId, timezone, consent.email / consent.push / consent.sms (yes/no), any other column becomes an attribute',
  events: 'externalId, name, occurredAt, properties (JSON), any other column becomes a property',
};

export function ImportCsv({ onDone }: { onDone: () => void }) {
  const [kind, setKind] = useState<ImportKind>('contacts');
  const [progress, setProgress] = useState<ImportProgress | null>(null);
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);

  const start = (file: File) => {
    setRunning(true);
    setError(null);
    setProgress(null);
    importsApi
      .upload(kind, file, setProgress)
      .then((last) => {
        if (last.status === 'failed') setError(`The import stopped: ${last.error ?? 'unknown error'}`);
        onDone();
      })
      .catch((e) => setError(errorText(e)))
      .finally(() => {
        setRunning(false);
        if (input.current) input.current.value = '';
      });
  };

  const percent = progress?.percent ?? (progress?.status === 'done' ? 100 : 0);
  return (
    <section className="card import-box" data-import={progress?.status ?? (running ? 'running' : 'idle')}>
      <h2>Import CSV</h2>
      <div className="import-row">
        <label className="field inline">
          <span>Import</span>
          <select name="importKind" value={kind} disabled={running} onChange={(e) => setKind(e.target.value as ImportKind)}>
            <option value="contacts">Contacts</option>
            <option value="events">Events</option>
          </select>
        </label>
        <input
          ref={input}
          type="file"
          name="importFile"
          accept=".csv,text/csv"
          disabled={running}
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file) start(file);
          }}
        />
      </div>
      <p className="hint">Columns: {columns[kind]}. The first line names the columns.</p>
      {(running || progress) && (
        <div data-import-progress={percent}>
          <div className="progress" role="progressbar" aria-valuenow={percent} aria-valuemin={0} aria-valuemax={100}>
            <span style={{ width: `${percent}%` }} />
          </div>
          {progress && (
            <p className="muted" data-import-counts>
              {progress.status === 'done' ? 'Done: ' : `${percent} % · `}
              {progress.rows.toLocaleString()} rows read, {progress.accepted.toLocaleString()} imported,{' '}
              {progress.rejected.toLocaleString()} rejected
            </p>
          )}
        </div>
      )}
      {progress && progress.rejected > 0 && (
        <p>
          <button
            type="button"
            className="btn small"
            data-rejected-report
            onClick={() =>
              void download(importsApi.rejectedPath(progress.importId), `import-${progress.importId}-rejected.csv`).catch((e) =>
                setError(errorText(e)),
              )
            }
          >
            Download the {progress.rejected} rejected rows (line and reason)
          </button>
        </p>
      )}
      {error && <div className="alert error">{error}</div>}
    </section>
  );
}
