/** A flow's journeys by state, and one contact's journey log as a timeline: "why did this user get this?" */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { contactJourneys, contactsApi, errorText, flowsApi, journeyStates, publishingApi, type Journey, type JourneyState } from '../api';
import { contextsOf, describeEntry } from '../graph/timeline';
import { LiveIndicator, useLive } from '../live';
import { StatusBadge, when, whenExact } from '../ui';

export function JourneysTab({
  flowId,
  labels,
  goals,
  onPickStep,
}: {
  flowId: string;
  labels: ReadonlyMap<string, string>;
  /** this flow's goal steps and what each waits for, in words */
  goals?: ReadonlyMap<string, string>;
  onPickStep?: (nodeId: string) => void;
}) {
  const [state, setState] = useState<JourneyState | ''>('');
  const [items, setItems] = useState<Journey[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [contact, setContact] = useState<string | null>(null);
  const [lookup, setLookup] = useState('');

  const refresh = useCallback(
    () =>
      flowsApi.journeys(flowId, state || undefined).then(
        (page) => {
          setItems(page.items);
          setError(null);
        },
        (e: unknown) => {
          setError(errorText(e));
          throw e;
        },
      ),
    [flowId, state],
  );
  useEffect(() => setItems(null), [flowId, state]);
  const live = useLive(refresh, [refresh]);
  const load = () => void refresh().catch(() => undefined);

  const nodeName = (id: string) => labels.get(id) ?? id;

  return (
    <div className="tab-page journeys">
      <section className="card">
        <div className="card-head">
          <h2>Journeys</h2>
          <LiveIndicator state={live} />
          <div className="inline-form">
            <select name="journeyState" value={state} onChange={(e) => setState(e.target.value as JourneyState | '')}>
              <option value="">All states</option>
              {journeyStates.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
            <button className="btn" onClick={load}>
              Refresh
            </button>
          </div>
        </div>
        {error && <div className="alert error">{error}</div>}
        {items === null && !error ? (
          <div className="empty">Loading…</div>
        ) : items && items.length === 0 ? (
          <div className="empty">
            No journeys{state ? ` in state “${state}”` : ''} yet. Contacts enter once the flow is active and its trigger matches.
          </div>
        ) : (
          items && (
            <table className="table">
              <thead>
                <tr>
                  <th>Contact</th>
                  <th>State</th>
                  <th>At step</th>
                  <th>Version</th>
                  <th>Entered</th>
                  <th>Next step</th>
                </tr>
              </thead>
              <tbody>
                {items.map((j) => (
                  <tr
                    key={j.id}
                    className={`clickable ${contact === j.externalId ? 'on' : ''}`}
                    data-journey={j.externalId}
                    onClick={() => setContact(j.externalId)}
                  >
                    <td>
                      <strong>{j.externalId}</strong>
                      {j.holdout && <span className="badge holdout">holdout</span>}
                    </td>
                    <td>
                      <StatusBadge status={j.state} />
                    </td>
                    <td>{nodeName(j.currentNodeId)}</td>
                    <td>v{j.version}</td>
                    <td className="muted">{when(j.enteredAt)}</td>
                    <td className="muted">{j.endedAt ? `ended ${when(j.endedAt)}` : when(j.nextRunAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        )}
      </section>
      <section className="card">
        <div className="card-head">
          <h2>Contact timeline</h2>
          <form
            className="inline-form"
            onSubmit={(e: FormEvent) => {
              e.preventDefault();
              if (lookup.trim()) setContact(lookup.trim());
            }}
          >
            <input name="externalId" placeholder="externalId, e.g. u1" value={lookup} onChange={(e) => setLookup(e.target.value)} />
            <button className="btn" type="submit">
              Look up
            </button>
          </form>
        </div>
        {contact ? (
          <ContactTimeline externalId={contact} flowId={flowId} nodeName={nodeName} goals={goals} onPickStep={onPickStep} />
        ) : (
          <div className="empty">Pick a journey or look up a contact to see every step the engine took and why.</div>
        )}
      </section>
    </div>
  );
}

export function ContactTimeline({
  externalId,
  flowId,
  nodeName,
  goals,
  onPickStep,
}: {
  externalId: string;
  flowId?: string;
  nodeName: (id: string) => string;
  goals?: ReadonlyMap<string, string>;
  onPickStep?: (nodeId: string) => void;
}) {
  const [journeys, setJourneys] = useState<Journey[] | null>(null);
  const [zone, setZone] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [raw, setRaw] = useState<string | null>(null);
  // "Reached X" rows repeat what the next row says; shown on demand
  const [everyStep, setEveryStep] = useState(false);
  // step names of other flows' versions (the contact page shows every flow the contact is in)
  const [names, setNames] = useState<Record<string, Record<string, string>>>({});
  useEffect(() => {
    for (const j of journeys ?? []) {
      const key = `${j.flowId}:${j.version}`;
      if (j.flowId === flowId || names[key]) continue;
      setNames((n) => ({ ...n, [key]: {} }));
      publishingApi
        .version(j.flowId, j.version)
        .then((f) => setNames((n) => ({ ...n, [key]: Object.fromEntries(f.graph.nodes.map((node) => [node.id, node.label ?? node.id])) })))
        .catch(() => undefined);
    }
  }, [journeys, flowId]); // eslint-disable-line react-hooks/exhaustive-deps -- fetch each flow version once
  useEffect(() => {
    setJourneys(null);
    setError(null);
    contactJourneys(externalId)
      .then((page) => setJourneys(page.items))
      .catch((e) => setError(errorText(e)));
    contactsApi
      .get(externalId)
      .then((c) => setZone(c.timezone))
      .catch(() => setZone(null));
  }, [externalId]);

  if (error) return <div className="alert error">{error}</div>;
  if (!journeys) return <div className="empty">Loading {externalId}…</div>;
  if (journeys.length === 0) return <div className="empty">{externalId} has no journeys.</div>;
  const contactTime = (iso: string) => (zone ? inZone(iso, zone) : whenExact(iso));
  const viewerZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  // a time in a sentence: the contact's local time first (what quiet hours are about), then the viewer's
  const bothZones = (iso: string) =>
    zone && zone !== viewerZone ? `${inZone(iso, zone)} for the contact (${zone}), ${shortTime(iso)} your time` : when(iso);
  // this flow's journeys first
  const sorted = [...journeys].sort((a, b) => Number(b.flowId === flowId) - Number(a.flowId === flowId));
  return (
    <div className="timelines">
      <label className="check every-step">
        <input type="checkbox" name="everyStep" checked={everyStep} onChange={(e) => setEveryStep(e.target.checked)} />
        <span>Show every step reached (not only decisions, waits, messages and outcomes)</span>
      </label>
      {sorted.map((j) => (
        <div className="timeline" key={j.id}>
          <div className="timeline-head">
            <strong>{j.externalId}</strong> in <em>{j.flowName}</em> v{j.version} <StatusBadge status={j.state} />
            {j.holdout && <span className="badge holdout">holdout: nothing is sent</span>}
            <span className="muted">
              {' '}
              · entered {when(j.enteredAt)}
              {zone ? ` · contact's time zone ${zone}` : ''}
            </span>
          </div>
          <ol className="timeline-list">
            {(j.log ?? []).map((entry, i, rows) => {
              if (entry.kind === 'node' && !everyStep) return null;
              const key = `${j.id}:${i}`;
              const mine = !flowId || j.flowId === flowId;
              const stepName = j.flowId === flowId ? nodeName : (id: string) => names[`${j.flowId}:${j.version}`]?.[id] ?? id;
              return (
                <li
                  key={i}
                  className={`tl ${onPickStep && mine ? 'clickable' : ''}`}
                  data-kind={entry.kind}
                  onClick={() => onPickStep && mine && onPickStep(entry.nodeId)}
                  title={onPickStep && mine ? 'Show this step on the canvas' : undefined}
                >
                  <time dateTime={entry.at}>
                    {whenExact(entry.at)}
                    {zone && <small className="muted">contact: {contactTime(entry.at)}</small>}
                  </time>
                  <span className="tl-node">{stepName(entry.nodeId)}</span>
                  <span className={`tl-kind kind-${entry.kind}`}>{entry.kind}</span>
                  <span className="tl-detail">
                    <span className="tl-sentence">
                      {describeEntry(entry, stepName, bothZones, {
                        ...contextsOf(rows)[i],
                        goalWhat: j.flowId === flowId ? (id) => goals?.get(id) : undefined,
                      })}
                    </span>
                    {entry.delivery && (
                      <span className={`delivery status-${entry.delivery.status}`}>
                        {' '}
                        Delivery: {entry.delivery.status}
                        {entry.delivery.lastError ? ` (${entry.delivery.lastError})` : ''}
                      </span>
                    )}
                    <button
                      type="button"
                      className="linkish small"
                      onClick={(e) => {
                        e.stopPropagation();
                        setRaw(raw === key ? null : key);
                      }}
                    >
                      {raw === key ? 'hide details' : 'details'}
                    </button>
                    {raw === key && <pre className="raw">{JSON.stringify(entry.detail, null, 2)}</pre>}
                  </span>
                </li>
              );
            })}
          </ol>
        </div>
      ))}
    </div>
  );
}

function shortTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

function inZone(iso: string, zone: string): string {
  try {
    return new Date(iso).toLocaleString(undefined, { timeZone: zone, dateStyle: 'medium', timeStyle: 'short' });
  } catch {
    return whenExact(iso);
  }
}
