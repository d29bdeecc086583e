/**
 * One flow: the canvas (palette, React Flow, inspector with problems), journeys, metrics and history tabs, and the
 * status and publishing actions. The document lives in `useFlowDocument` so unsaved edits survive switching tabs;
 * validation in `useFlowValidation`; undo and shortcuts in `canvas/useUndoRedo` and `canvas/useCanvasShortcuts`.
 */
import {
  Background,
  Controls,
  MiniMap,
  Panel,
  ReactFlow,
  ReactFlowProvider,
  useNodesInitialized,
  useReactFlow,
  useStore,
  type Connection,
  type Edge,
  type FinalConnectionState,
  type IsValidConnection,
  type useEdgesState,
  type useNodesState,
} from '@xyflow/react';
import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState, type DragEvent, type RefObject } from 'react';
import { shallow } from 'zustand/shallow';
import { ApiError, errorText, flowsApi, publishingApi, type Me, type SimulationReport } from '../api';
import { edgeTypes, styled } from '../canvas/edges';
import { NodeInspector, ProblemList, type InspectorActions } from '../canvas/Inspector';
import { IssuesContext } from '../canvas/issues';
import { KeyboardHelp, useKeyboardHelp } from '../canvas/KeyboardHelp';
import { CountsContext, HighlightContext, nodeTypes, SimulationContext } from '../canvas/nodes';
import { DRAG_TYPE, Palette } from '../canvas/Palette';
import { useCanvasShortcuts } from '../canvas/useCanvasShortcuts';
import { useUndoRedo } from '../canvas/useUndoRedo';
import { edgeHandle, flowNodeTypes, type NodeType } from '../engine';
import { ActivateDialog, PublishDialog } from '../flow/Dialogs';
import { HistoryTab } from '../flow/History';
import { tidy, useFlowDocument } from '../flow/useFlowDocument';
import { useFlowValidation } from '../flow/useFlowValidation';
import { FlowInfo } from '../forms/NodeForms';
import { publishLayerVerdicts } from '../insights/layer-verdicts';
import { connectionProblem } from '../graph/connection-rules';
import { handlesOf, newEdgeId, newNode, reconcileEdges, shapeOf, type EditorEdge, type EditorNode } from '../graph/model';
import type { PlainIssue } from '../graph/plain-issues';
import { LiveIndicator, useLive } from '../live';
import { href, setLeaveGuard } from '../router';
import { StatusBadge } from '../ui';
import { JourneysTab } from './Journeys';

// recharts loads only when the Metrics tab (or a simulation report) is opened
const MetricsTab = lazy(() => import('./Metrics').then((m) => ({ default: m.MetricsTab })));
const SimulationPanel = lazy(() => import('../flow/Simulation').then((m) => ({ default: m.SimulationPanel })));

/** `key`: the document the message is about; it disappears once the document changes (no stale "1 error"). */
type Banner = { kind: 'error' | 'ok' | 'info'; text: string; key?: string } | null;
type Tab = 'canvas' | 'journeys' | 'metrics' | 'history';
/** The autosave line in the bar: what happened to the last save. */
type SaveState =
  | { kind: 'idle' }
  | { kind: 'saving' }
  | { kind: 'saved'; at: Date }
  | { kind: 'failed'; text: string; key: string }
  | { kind: 'conflict'; text: string };

/** Edits are saved this long after the last change (a per-browser preference may lengthen it: `boomerang.autosaveDelayMs`). */
export const AUTOSAVE_DELAY_MS = 2500;
function autosaveDelay(): number {
  const chosen = Number(localStorage.getItem('boomerang.autosaveDelayMs'));
  return Number.isFinite(chosen) && chosen > 0 ? chosen : AUTOSAVE_DELAY_MS;
}

/** The server's conflict message with its ISO time in the viewer's words. */
function conflictText(message: string): string {
  return message.replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/, (iso) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }));
}

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
              nodes.flatMap((n) =>
                n.type === 'goal' ? [[n.id, 'event' in n.data.config ? `“${n.data.config.event}”` : 'its rule to hold'] as const] : [],
              ),
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

interface CanvasProps {
  nodes: EditorNode[];
  edges: EditorEdge[];
  setNodes: ReturnType<typeof useNodesState<EditorNode>>[1];
  setEdges: ReturnType<typeof useEdgesState<EditorEdge>>[1];
  onNodesChange: ReturnType<typeof useNodesState<EditorNode>>[2];
  onEdgesChange: ReturnType<typeof useEdgesState<EditorEdge>>[2];
  readOnly: boolean;
  errors: PlainIssue[];
  warnings: PlainIssue[];
  labels: ReadonlyMap<string, string>;
  source: string;
  onRefused: (reason: string) => void;
  focus: { id: string } | null;
}

const flowInfoCache = new Map<string, { id: string; name: string }>();
function flowInfo(id: string, name: string) {
  const key = `${id}\u0000${name}`;
  let v = flowInfoCache.get(key);
  if (!v) flowInfoCache.set(key, (v = { id, name }));
  return v;
}

const MINIMAP_KEY = 'boomerang.minimap';

/**
 * How every fit frames the flow (on open, Tidy up, the fit button): a margin all round, the top kept clear of the
 * minimap, never above 100 % (a 3-step flow keeps room to drop the next step), and not below the zoom at which
 * compact cards still draw 11 px text.
 */
export function fitOptions(minimap: boolean) {
  return {
    // the minimap sits top right: the flow starts below it rather than giving up a whole strip of width
    padding: { top: minimap ? '140px' : '64px', left: '48px', bottom: '48px', right: '48px' },
    maxZoom: 1,
    minZoom: 0.28,
  } as const;
}

/** Hands the zoom to CSS (`--zoom` on the canvas) for the compact cards' text; only this component re-renders on zoom. */
function ZoomVar({ target }: { target: RefObject<HTMLDivElement | null> }) {
  const zoom = useStore((s) => s.transform[2]);
  useEffect(() => {
    target.current?.style.setProperty('--zoom', String(zoom));
  }, [zoom, target]);
  return null;
}

function Canvas({
  nodes,
  edges,
  setNodes,
  setEdges,
  onNodesChange,
  onEdgesChange,
  readOnly,
  errors,
  warnings,
  labels,
  source,
  onRefused,
  focus,
}: CanvasProps) {
  const { screenToFlowPosition, getNodes, getEdges, fitView } = useReactFlow<EditorNode, EditorEdge>();
  const wrapper = useRef<HTMLDivElement>(null);
  // only the selection, compared shallowly: moving a node does not re-render the inspector's parent
  const selectedIds = useStore((s) => s.nodes.filter((n) => n.selected).map((n) => n.id), shallow);
  const selected = selectedIds.length === 1 ? nodes.find((n) => n.id === selectedIds[0]) : undefined;

  const [minimap, setMinimap] = useState(() => localStorage.getItem(MINIMAP_KEY) !== 'off');
  const fit = useMemo(() => fitOptions(minimap), [minimap]);

  // fit once every node has been measured (the `fitView` prop can run before the cards have their size): the whole
  // flow with a margin; large flows show compact cards (canvas/nodes.tsx) that stay legible at that zoom
  const initialized = useNodesInitialized();
  const fitted = useRef(false);
  useEffect(() => {
    if (!initialized || fitted.current) return;
    fitted.current = true;
    void fitView(fit);
  }, [initialized, fitView, fit]);

  const { before, restore } = useUndoRedo(setNodes, setEdges);

  const toggleMinimap = () =>
    setMinimap((on) => {
      localStorage.setItem(MINIMAP_KEY, on ? 'off' : 'on');
      return !on;
    });

  const autoLayout = useCallback(() => {
    before();
    setNodes((ns) => tidy(ns, getEdges()));
    requestAnimationFrame(() => void fitView({ ...fit, duration: 200 }));
  }, [before, setNodes, getEdges, fitView, fit]);

  useCanvasShortcuts({ readOnly, before, restore, setNodes, setEdges });
  const [help, setHelp] = useKeyboardHelp();

  const isValidConnection: IsValidConnection<EditorEdge> = useCallback(
    (c) => connectionProblem(getNodes().map(shapeOf), getEdges(), c) === null,
    [getNodes, getEdges],
  );

  const onConnect = useCallback(
    (c: Connection) => {
      before();
      setEdges((es) => {
        if (connectionProblem(getNodes().map(shapeOf), es, c) !== null) return es;
        const handle = edgeHandle(c);
        const edge: Edge = {
          id: newEdgeId(
            c.source,
            handle,
            c.target,
            es.map((e) => e.id),
          ),
          source: c.source,
          target: c.target,
          sourceHandle: handle,
        };
        return [...es, styled(edge)];
      });
    },
    [setEdges, getNodes, before],
  );

  const onConnectEnd = useCallback(
    (_event: MouseEvent | TouchEvent, state: FinalConnectionState) => {
      if (state.isValid !== false || !state.fromNode || !state.toNode) return;
      const reason = connectionProblem(getNodes().map(shapeOf), getEdges(), {
        source: state.fromNode.id,
        sourceHandle: state.fromHandle?.id ?? null,
        target: state.toNode.id,
      });
      if (reason) onRefused(`Cannot connect: ${reason}.`);
    },
    [getNodes, getEdges, onRefused],
  );

  const select = useCallback(
    (id: string) => {
      setNodes((ns) => ns.map((n) => (n.selected === (n.id === id) ? n : { ...n, selected: n.id === id })));
      void fitView({ nodes: [{ id }], duration: 300, maxZoom: 1.1, padding: 0.6 });
    },
    [setNodes, fitView],
  );

  useEffect(() => {
    if (focus) select(focus.id);
  }, [focus, select]);

  const add = useCallback(
    (type: NodeType, at?: { x: number; y: number }) => {
      let position = at;
      if (!position) {
        const box = wrapper.current?.getBoundingClientRect();
        position = box ? screenToFlowPosition({ x: box.left + box.width / 2 - 110, y: box.top + box.height / 2 - 40 }) : { x: 0, y: 0 };
      }
      before();
      setNodes((ns) => [
        ...ns.map((n) => (n.selected ? { ...n, selected: false } : n)),
        {
          ...newNode(
            type,
            position,
            ns.map((n) => n.id),
          ),
          selected: true,
        },
      ]);
    },
    [setNodes, screenToFlowPosition, before],
  );

  const onDrop = useCallback(
    (e: DragEvent) => {
      const type = e.dataTransfer.getData(DRAG_TYPE) as NodeType;
      if (!flowNodeTypes.includes(type)) return;
      e.preventDefault();
      add(type, screenToFlowPosition({ x: e.clientX - 110, y: e.clientY - 30 }));
    },
    [add, screenToFlowPosition],
  );

  const actions: InspectorActions = useMemo(
    () => ({
      onConfig: (id, type, config, renames) => {
        before(`config:${id}`);
        setNodes((ns) => ns.map((n) => (n.id === id ? ({ ...n, data: { ...n.data, config } } as EditorNode) : n)));
        setEdges((es) => reconcileEdges(es, id, handlesOf(type, config), renames).map(styled));
      },
      onLabel: (id, label) => {
        before(`label:${id}`);
        setNodes((ns) =>
          ns.map((n) => {
            if (n.id !== id) return n;
            const { label: _old, ...rest } = n.data;
            return { ...n, data: label ? { ...rest, label } : rest } as EditorNode;
          }),
        );
      },
      onEnds: (id, ends) => {
        before();
        setNodes((ns) =>
          ns.map((n) => {
            if (n.id !== id) return n;
            const { ends: _old, ...rest } = n.data;
            return { ...n, data: ends.length ? { ...rest, ends } : rest } as EditorNode;
          }),
        );
      },
      onDelete: (id) => {
        before();
        setNodes((ns) => ns.filter((n) => n.id !== id));
        setEdges((es) => es.filter((e) => e.source !== id && e.target !== id));
      },
    }),
    [setNodes, setEdges, before],
  );

  const issueOf = (id: string) => ({
    errors: errors.filter((i) => i.nodeId === id),
    warnings: warnings.filter((i) => i.nodeId === id),
  });

  return (
    <div className="editor-body">
      {!readOnly && <Palette onAdd={(t) => add(t)} />}
      <div className="canvas" ref={wrapper} onDrop={onDrop} onDragOver={(e) => e.preventDefault()}>
        <ReactFlow<EditorNode, EditorEdge>
          nodes={nodes}
          edges={edges}
          nodeTypes={nodeTypes}
          edgeTypes={edgeTypes}
          onNodeDragStart={() => before()}
          onBeforeDelete={async () => {
            before();
            return true;
          }}
          onNodesChange={onNodesChange}
          onEdgesChange={onEdgesChange}
          onConnect={onConnect}
          onConnectEnd={onConnectEnd}
          isValidConnection={isValidConnection}
          nodesDraggable={!readOnly}
          nodesConnectable={!readOnly}
          edgesReconnectable={false}
          deleteKeyCode={readOnly ? null : ['Backspace', 'Delete']}
          minZoom={0.2}
          fitViewOptions={fit}
          multiSelectionKeyCode={['Shift', 'Meta', 'Control']}
          selectionKeyCode="Shift"
          snapToGrid
          snapGrid={[10, 10]}
        >
          <ZoomVar target={wrapper} />
          <Background gap={20} size={1} color="#d4d8e1" />
          <Controls showInteractive={false} fitViewOptions={fit} />
          {minimap && (
            <MiniMap
              position="top-right"
              pannable
              zoomable
              style={{ width: 160, height: 110 }}
              nodeStrokeWidth={3}
              nodeClassName={(n) => `minimap-${n.type}`}
            />
          )}
          <Panel position="top-left" className="canvas-tools">
            {!readOnly && (
              <>
                <button className="btn small" data-action="undo" title="Undo (Ctrl-Z)" onClick={() => restore('undo')}>
                  ↶ Undo
                </button>
                <button className="btn small" data-action="redo" title="Redo (Ctrl-Shift-Z)" onClick={() => restore('redo')}>
                  ↷ Redo
                </button>
                <button className="btn small" data-action="layout" title="Lay the steps out top to bottom" onClick={autoLayout}>
                  Tidy up
                </button>
              </>
            )}
            <button className="btn small ghost" data-action="minimap" onClick={toggleMinimap}>
              {minimap ? 'Hide map' : 'Show map'}
            </button>
            <button className="btn small ghost" data-action="keys" title="Keys and gestures (?)" onClick={() => setHelp(true)}>
              Keys ?
            </button>
          </Panel>
        </ReactFlow>
      </div>
      {help && <KeyboardHelp onClose={() => setHelp(false)} />}
      <aside className="sidebar">
        <ProblemList errors={errors} warnings={warnings} labels={labels} source={source} onPick={select} />
        {selected ? (
          <NodeInspector
            key={selected.id}
            node={selected}
            readOnly={readOnly}
            {...issueOf(selected.id)}
            actions={actions}
            unconnected={handlesOf(selected.type, selected.data.config).filter(
              (h) => !edges.some((e) => e.source === selected.id && (e.sourceHandle ?? 'out') === h),
            )}
          />
        ) : (
          <div className="inspector empty-inspector">
            <p className="muted">{selectedIds.length > 1 ? `${selectedIds.length} steps selected.` : 'Select a step to edit it.'}</p>
            <p className="hint">
              {nodes.length} steps · {edges.length} connections
            </p>
          </div>
        )}
      </aside>
    </div>
  );
}

/** "Saved · 12:04", "Saving…", "Unsaved changes" or why the last save failed, beside the flow's name. */
function SaveStatus({ state, unsaved }: { state: SaveState; unsaved: boolean }) {
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
