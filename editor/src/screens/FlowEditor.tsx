/**
 * One flow: the canvas (`flow/Canvas`), journeys, metrics and history tabs, and the status, saving and publishing
 * actions. The document lives in `useFlowDocument` so unsaved edits survive switching tabs; validation in
 * `useFlowValidation`; the autosave line in `flow/SaveStatus`; each node type's form, icon and card facts in `nodes/`.
 */
import { ReactFlowProvider } from '@xyflow/react';
import { lazy, Suspense, useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, errorText, flowsApi, publishingApi, type Me, type SimulationReport } from '../api';
import { IssuesContext } from '../canvas/issues';
import { CountsContext, HighlightContext, SimulationContext } from '../canvas/nodes';
import { Canvas } from '../flow/Canvas';
import { ActivateDialog, PublishDialog } from '../flow/Dialogs';
import { FlowInfo } from '../flow/FlowInfo';
import { HistoryTab } from '../flow/History';
import { autosaveDelay, conflictText, SaveStatus, type SaveState } from '../flow/SaveStatus';
import { useFlowDocument } from '../flow/useFlowDocument';
import { useFlowValidation } from '../flow/useFlowValidation';
import { publishLayerVerdicts } from '../insights/layer-verdicts';
import { LiveIndicator, useLive } from '../live';
import { kindOf } from '../nodes';
import { href, setLeaveGuard } from '../router';
import { StatusBadge } from '../ui';
import { JourneysTab } from './Journeys';

// recharts loads only when the Metrics tab (or a simulation report) is opened
const MetricsTab = lazy(() => import('./Metrics').then((m) => ({ default: m.MetricsTab })));
const SimulationPanel = lazy(() => import('../flow/Simulation').then((m) => ({ default: m.SimulationPanel })));

/** `key`: the document the message is about; it disappears once the document changes (no stale "1 error"). */
type Banner = { kind: 'error' | 'ok' | 'info'; text: string; key?: string } | null;
type Tab = 'canvas' | 'journeys' | 'metrics' | 'history';
export function FlowEditor(props: { id: string; tab: Tab; me: Me }) {
  return (
    <ReactFlowProvider>
      <FlowEditorInner {...props} />
    </ReactFlowProvider>
  );
}

function FlowEditorInner({ id, tab, me }: { id: string; tab: Tab; me: Me }) {
  const {
    flow,
    setFlow,
    loadError,
    nodes,
    edges,
    setNodes,
    setEdges,
    onNodesChange,
    onEdgesChange,
    name,
    setName,
    doc,
    currentKey,
    semanticKey,
    dirty,
    markSaved,
    reload,
  } = useFlowDocument(id);
  const { errors: plainErrors, warnings: plainWarnings, issues, source, setServer } = useFlowValidation(semanticKey);
  const [banner, setBanner] = useState<Banner>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [dialog, setDialog] = useState<'publish' | 'activate' | null>(null);
  const [highlight, setHighlight] = useState<string | null>(null);
  /** a step to select and show on the canvas (a new object each time, so the same step can be asked for again) */
  const [focus, setFocus] = useState<{ id: string } | null>(null);
  const [simulating, setSimulating] = useState(0); // a new key per run; 0 = closed
  const [simReport, setSimReport] = useState<SimulationReport | null>(null);
  const [counts, setCounts] = useState<Record<string, { entered: number; waiting: number; sent: number; converted: number }> | null>(null);
  // counts are a bonus on the cards: refreshed on their own, kept on a failed refresh
  const live = useLive(
    () =>
      flowsApi.metrics(id).then((m) => {
        setCounts(m.nodes);
        publishLayerVerdicts(id, m);
      }),
    [id],
  );
  const [saveState, setSaveState] = useState<SaveState>({ kind: 'idle' });
  const saving = useRef(false);

  const shownBanner = banner && (!banner.key || banner.key === semanticKey) ? banner : null;
  const canDesign = me.permissions.includes('design');
  const canOperate = me.permissions.includes('operate');
  const readOnly = !flow || flow.status === 'archived' || !canDesign;

  const showApiError = useCallback((e: unknown, key: string) => {
    setBanner({ kind: 'error', text: errorText(e), key });
    if (e instanceof ApiError && e.errors.length > 0) setServer({ key, result: { valid: false, errors: e.errors, warnings: [] } });
  }, []);

  const unsaved = flow !== null && (dirty || (name.trim() !== '' && name.trim() !== flow.name));

  /** Saves the draft; `auto`: the autosave (no banner on success, the bar says "Saved · 12:04"). */
  const save = useCallback(
    async (auto = false): Promise<boolean> => {
      if (!flow || saving.current) return false;
      saving.current = true;
      if (!auto) setBusy('save');
      setSaveState({ kind: 'saving' });
      const sentKey = currentKey;
      try {
        // the draft endpoint: on an active flow this is a new version that is not live until published; the
        // optimistic check refuses to overwrite a save someone else made since this copy was loaded
        const updated = await publishingApi.saveDraft(flow.id, {
          graph: doc,
          baseUpdatedAt: flow.updatedAt,
          ...(name.trim() && name.trim() !== flow.name ? { name: name.trim() } : {}),
        });
        setFlow(updated);
        markSaved(sentKey);
        setSaveState({ kind: 'saved', at: new Date() });
        if (updated.status === 'active' && updated.liveVersion !== updated.version) {
          // the first save of an edit to a live flow makes a new version: say so once, autosaved or not
          if (!auto || updated.version !== flow.version)
            setBanner({
              kind: 'ok',
              text: `Draft saved as version ${updated.version}. Live version ${updated.liveVersion} keeps running until you publish.`,
            });
        } else if (!auto) setBanner({ kind: 'ok', text: 'Saved.' });
        return true;
      } catch (e) {
        if (e instanceof ApiError && e.status === 409 && /after you opened it/.test(e.message)) {
          setSaveState({ kind: 'conflict', text: conflictText(e.message) });
        } else {
          setSaveState({ kind: 'failed', text: errorText(e), key: sentKey });
          if (!auto) showApiError(e, semanticKey);
        }
        return false;
      } finally {
        saving.current = false;
        if (!auto) setBusy(null);
      }
    },
    [flow, doc, currentKey, semanticKey, name, showApiError],
  );

  // autosave: a few seconds after the last edit, unless a conflict is waiting for the user or this edit already failed
  const autosaveBlocked =
    saveState.kind === 'conflict' || saveState.kind === 'saving' || (saveState.kind === 'failed' && saveState.key === currentKey);
  useEffect(() => {
    if (!unsaved || readOnly || autosaveBlocked || busy !== null) return;
    const timer = window.setTimeout(() => void save(true), autosaveDelay());
    return () => window.clearTimeout(timer);
  }, [unsaved, readOnly, autosaveBlocked, busy, currentKey, name, save]);

  // leaving the flow (another screen, sign-out, closing the tab) with unsaved work asks first
  useEffect(() => {
    if (!unsaved || readOnly) return;
    const unguard = setLeaveGuard((next) =>
      next && next.name === 'flow' && next.id === id ? null : 'This flow has changes that are not saved yet. Leave and lose them?',
    );
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => {
      unguard();
      window.removeEventListener('beforeunload', warn);
    };
  }, [unsaved, readOnly, id]);

  const validateOnServer = useCallback(async () => {
    if (!flow) return;
    setBusy('validate');
    try {
      const result = await flowsApi.validate(flow.id, doc);
      setServer({ key: semanticKey, result });
      setBanner(
        result.valid
          ? {
              kind: 'ok',
              key: semanticKey,
              text: `The server says the flow is valid${result.warnings.length ? ` (${result.warnings.length} warnings)` : ''}.`,
            }
          : {
              kind: 'error',
              key: semanticKey,
              text: `The server found ${result.errors.length} problem${result.errors.length === 1 ? '' : 's'}: see the list on the right.`,
            },
      );
    } catch (e) {
      showApiError(e, semanticKey);
    } finally {
      setBusy(null);
    }
  }, [flow, doc, semanticKey, showApiError]);

  const transition = useCallback(
    async (action: 'activate' | 'pause' | 'archive', holdoutPercent?: number) => {
      if (!flow) return;
      if (
        action === 'archive' &&
        !window.confirm('Archive this flow? Live journeys exit and queued messages are cancelled. This cannot be undone.')
      )
        return;
      if (action === 'activate' && dirty && !(await save())) return;
      setDialog(null);
      setBusy(action);
      setBanner(null);
      try {
        if (holdoutPercent !== undefined && holdoutPercent !== flow.settings.holdoutPercent)
          await flowsApi.update(flow.id, { settings: { holdoutPercent } });
        const updated = await flowsApi.transition(flow.id, action);
        setFlow(updated);
        setBanner({
          kind: 'ok',
          text:
            action === 'activate'
              ? `Active: version ${updated.liveVersion} is live.`
              : action === 'pause'
                ? 'Paused: no enrollment, steps or sends until resumed.'
                : 'Archived.',
        });
      } catch (e) {
        showApiError(e, semanticKey);
      } finally {
        setBusy(null);
      }
    },
    [flow, dirty, save, semanticKey, showApiError],
  );

  if (loadError)
    return (
      <div className="page">
        <div className="alert error">{loadError}</div>
        <a href={href({ name: 'flows' })}>Back to flows</a>
      </div>
    );
  if (!flow)
    return (
      <div className="page">
        <div className="empty">Loading flow…</div>
      </div>
    );

  const labels = new Map(nodes.map((n) => [n.id, n.data.label || n.id]));
  const hasDraft = flow.status === 'active' && flow.liveVersion !== null && flow.version !== flow.liveVersion;

  return (
    <div className="flow-screen">
      <div className="flowbar">
        <div className="flowbar-title">
          <input
            className="name-input"
            name="flowTitle"
            aria-label="Flow name"
            value={name}
            style={{ width: `${Math.min(40, Math.max(10, name.length + 4))}ch` }}
            disabled={readOnly}
            onChange={(e) => setName(e.target.value)}
          />
          <StatusBadge status={flow.status} />
          <span className="muted version" data-version={flow.version}>
            v{flow.version}
            {flow.liveVersion !== null && flow.liveVersion !== flow.version ? ` · live v${flow.liveVersion}` : ''}
          </span>
          {!readOnly && <SaveStatus state={saveState} unsaved={unsaved} />}
          <LiveIndicator state={live} />
        </div>
        <nav className="tabs">
          {(['canvas', 'journeys', 'metrics', 'history'] as const).map((t) => (
            <a key={t} href={href({ name: 'flow', id: flow.id, tab: t })} className={tab === t ? 'on' : ''}>
              {t === 'canvas' ? 'Canvas' : t === 'journeys' ? 'Journeys' : t === 'metrics' ? 'Metrics' : 'History'}
            </a>
          ))}
        </nav>
        <div className="flowbar-actions">
          {!readOnly && (
            <>
              <button className="btn" onClick={validateOnServer} disabled={busy !== null}>
                Validate
              </button>
              <button
                className="btn primary"
                data-action="save"
                onClick={() => void save()}
                disabled={busy !== null || !unsaved || saveState.kind === 'conflict'}
              >
                {busy === 'save' ? 'Saving…' : flow.status === 'active' ? 'Save draft' : 'Save'}
              </button>
              {hasDraft && canOperate && (
                <button
                  className="btn success"
                  data-action="publish"
                  disabled={busy !== null || dirty}
                  title={dirty ? 'Save the draft first' : undefined}
                  onClick={() => setDialog('publish')}
                >
                  Publish…
                </button>
              )}
            </>
          )}
          {canDesign && flow.status !== 'archived' && (
            <button
              className="btn"
              data-action="simulate"
              disabled={busy !== null}
              title={
                dirty
                  ? 'Saves, then simulates the saved version'
                  : 'Runs this version for 30 virtual days on a copy of your contacts; nothing is sent'
              }
              onClick={() => {
                setSimReport(null);
                if (dirty) void save().then((ok) => ok && setSimulating(Date.now()));
                else setSimulating(Date.now());
              }}
            >
              Simulate 30 days
            </button>
          )}
          {canOperate && flow.status !== 'archived' && (
            <>
              {(flow.status === 'draft' || flow.status === 'paused') && (
                <button
                  className="btn success"
                  data-action="activate"
                  onClick={() => (dirty ? void save().then((ok) => ok && setDialog('activate')) : setDialog('activate'))}
                  disabled={busy !== null || plainErrors.length > 0}
                  title={
                    plainErrors.length > 0 ? `Fix this first: ${plainErrors[0].text}` : dirty ? 'Saves, then asks to confirm' : undefined
                  }
                >
                  {flow.status === 'paused' ? 'Resume…' : 'Activate…'}
                </button>
              )}
              {flow.status === 'active' && (
                <button className="btn warning" data-action="pause" onClick={() => void transition('pause')} disabled={busy !== null}>
                  Pause
                </button>
              )}
              <button className="btn ghost" data-action="archive" onClick={() => void transition('archive')} disabled={busy !== null}>
                Archive
              </button>
            </>
          )}
        </div>
      </div>
      {dialog === 'publish' && (
        <PublishDialog
          flowId={flow.id}
          name={(nid) => labels.get(nid) ?? nid}
          onClose={() => setDialog(null)}
          onDone={(text) => {
            setDialog(null);
            void reload().then(() => setBanner({ kind: 'ok', text }));
          }}
        />
      )}
      {dialog === 'activate' && (
        <ActivateDialog
          flowId={flow.id}
          resume={flow.status === 'paused'}
          holdoutPercent={flow.settings.holdoutPercent}
          onClose={() => setDialog(null)}
          onConfirm={(holdout) => void transition('activate', holdout)}
        />
      )}
      {simulating > 0 && (
        <Suspense fallback={null}>
          <SimulationPanel
            key={simulating}
            flowId={flow.id}
            days={30}
            labels={labels}
            order={nodes.map((n) => n.id)}
            onReport={setSimReport}
            onClose={() => {
              setSimulating(0);
              setSimReport(null);
            }}
          />
        </Suspense>
      )}
      {saveState.kind === 'conflict' && (
        <div className="alert error banner" role="alert" data-conflict>
          <strong>Not saved: </strong>
          {saveState.text}. Your changes are still on this screen.
          <button
            className="btn small"
            data-action="reload-theirs"
            onClick={() => {
              if (!window.confirm('Load the saved version? Your changes on this screen are discarded.')) return;
              setSaveState({ kind: 'idle' });
              void reload();
            }}
          >
            Load their version
          </button>
        </div>
      )}
      {shownBanner && (
        <div className={`alert ${shownBanner.kind} banner`} role="status" data-banner={shownBanner.kind}>
          {shownBanner.text}
          <button className="close" aria-label="Dismiss" onClick={() => setBanner(null)}>
            ×
          </button>
        </div>
      )}
      {canOperate && (flow.status === 'draft' || flow.status === 'paused') && plainErrors.length > 0 && (
        <div className="alert warning banner subtle" data-activate-blocked>
          {flow.status === 'paused' ? 'Resume' : 'Activate'} is off until {plainErrors.length === 1 ? 'this is' : 'these are'} fixed
          {plainErrors.length > 1 ? ` (${plainErrors.length} problems)` : ''}:{' '}
          <a
            href={href({ name: 'flow', id: flow.id, tab: 'canvas' })}
            data-first-problem={plainErrors[0].nodeId ?? ''}
            onClick={() => plainErrors[0].nodeId && setFocus({ id: plainErrors[0].nodeId })}
          >
            {plainErrors[0].nodeId ? `“${labels.get(plainErrors[0].nodeId) ?? plainErrors[0].nodeId}”: ` : ''}
            {plainErrors[0].text}
          </a>
        </div>
      )}
      {flow.status === 'archived' && (
        <div className="alert info banner">This flow is archived: read only. Create a new flow to change it.</div>
      )}
      {flow.status === 'active' && !readOnly && tab === 'canvas' && (
        <div className="alert info banner subtle" data-draft-note>
          {hasDraft
            ? `You are editing draft version ${flow.version}; live version ${flow.liveVersion} keeps running until you publish.`
            : 'This flow is live: your edits are saved as a draft and go live only when you publish them.'}
        </div>
      )}
      {tab === 'canvas' ? (
        <FlowInfo.Provider value={flowInfo(flow.id, name)}>
          <CountsContext.Provider value={counts}>
            <SimulationContext.Provider value={simReport?.nodes ?? null}>
              <HighlightContext.Provider value={highlight}>
                <IssuesContext.Provider value={issues}>
                  <Canvas
                    nodes={nodes}
                    edges={edges}
                    setNodes={setNodes}
                    setEdges={setEdges}
                    onNodesChange={onNodesChange}
                    onEdgesChange={onEdgesChange}
                    readOnly={readOnly}
                    errors={plainErrors}
                    warnings={plainWarnings}
                    labels={labels}
                    source={source}
                    onRefused={(text) => setBanner({ kind: 'info', text })}
                    focus={focus}
                  />
                </IssuesContext.Provider>
              </HighlightContext.Provider>
            </SimulationContext.Provider>
          </CountsContext.Provider>
        </FlowInfo.Provider>
      ) : tab === 'journeys' ? (
        <JourneysTab
          flowId={flow.id}
          labels={labels}
          goals={
            new Map(
              nodes.flatMap((n) => {
                const waitsFor = kindOf(n.type).waitsFor?.(n.data.config);
                return waitsFor === undefined ? [] : [[n.id, waitsFor] as const];
              }),
            )
          }
          onPickStep={(nodeId) => {
            setHighlight(nodeId);
            window.location.hash = href({ name: 'flow', id: flow.id, tab: 'canvas' });
          }}
        />
      ) : tab === 'history' ? (
        <HistoryTab
          flowId={flow.id}
          canRevert={!readOnly}
          onReverted={(v) => {
            void reload().then(() => setBanner({ kind: 'ok', text: `The draft is now a copy of version ${v}. Review it, then publish.` }));
            window.location.hash = href({ name: 'flow', id: flow.id, tab: 'canvas' });
          }}
        />
      ) : (
        <Suspense
          fallback={
            <div className="tab-page">
              <div className="empty">Loading metrics…</div>
            </div>
          }
        >
          <MetricsTab flowId={flow.id} labels={labels} order={nodes.map((n) => n.id)} />
        </Suspense>
      )}
    </div>
  );
}

const flowInfoCache = new Map<string, { id: string; name: string }>();
function flowInfo(id: string, name: string) {
  const key = `${id}\u0000${name}`;
  let v = flowInfoCache.get(key);
  if (!v) flowInfoCache.set(key, (v = { id, name }));
  return v;
}
