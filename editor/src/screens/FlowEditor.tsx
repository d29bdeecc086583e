/**
 * One flow: the canvas (palette, React Flow, inspector with problems), journeys and metrics tabs, and the status
 * actions. The canvas state lives here so unsaved edits survive switching tabs.
 */
import {
  BaseEdge,
  EdgeLabelRenderer,
  getSmoothStepPath,
  type EdgeProps,
  Background,
  Controls,
  MarkerType,
  MiniMap,
  Panel,
  ReactFlow,
  ReactFlowProvider,
  useEdgesState,
  useNodesInitialized,
  useNodesState,
  useReactFlow,
  useStore,
  type Connection,
  type Edge,
  type FinalConnectionState,
  type IsValidConnection,
} from '@xyflow/react';
import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent } from 'react';
import { publishingApi } from '../api';
import { CountsContext, HighlightContext } from '../canvas/nodes';
import { ActivateDialog, PublishDialog } from '../flow/Dialogs';
import { HistoryTab } from '../flow/History';
import { FieldIssues } from '../forms/fields';
import { FlowInfo } from '../forms/NodeForms';
import { copySelection, pasteClip, type Clip } from '../graph/clipboard';
import { emptyStacks, redo as redoStack, remember, undo as undoStack, type UndoStacks } from '../graph/history';
import { isBackEdge, layoutTopDown, needsLayout } from '../graph/layout';
import { handleLabel, plainIssue } from '../graph/plain-issues';
import { shallow } from 'zustand/shallow';
import { ApiError, errorText, flowsApi, type FlowView, type Me, type ServerValidation } from '../api';
import { DRAG_TYPE, Palette } from '../canvas/Palette';
import { IssuesContext, issuesByNode } from '../canvas/issues';
import { NodeInspector, ProblemList, type InspectorActions } from '../canvas/Inspector';
import { nodeTypes } from '../canvas/nodes';
import { edgeHandle, flowNodeTypes, OUT, validateFlow, type NodeType, type ValidationIssue } from '../engine';
import type { PlainIssue } from '../graph/plain-issues';
import { connectionProblem } from '../graph/connection-rules';
import {
  documentKey,
  handlesOf,
  newEdgeId,
  newNode,
  reconcileEdges,
  shapeOf,
  toDocument,
  toEditorEdges,
  toEditorNodes,
  type EditorEdge,
  type EditorNode,
} from '../graph/model';
import { href } from '../router';
import { StatusBadge } from '../ui';
import { JourneysTab } from './Journeys';
import { MetricsTab } from './Metrics';

/** `key`: the document the message is about; it disappears once the document changes (no stale "1 error"). */
type Banner = { kind: 'error' | 'ok' | 'info'; text: string; key?: string } | null;
type Tab = 'canvas' | 'journeys' | 'metrics' | 'history';

/** A loop (an edge back up the page) is drawn around the right of the graph; other edges are smooth steps. */
function FlowEdgeView(props: EdgeProps) {
  const { sourceX, sourceY, targetX, targetY, markerEnd, label, style } = props;
  if (isBackEdge(sourceY, targetY)) {
    const right = Math.max(sourceX, targetX) + 170;
    const path = `M ${sourceX} ${sourceY} L ${sourceX} ${sourceY + 18} L ${right} ${sourceY + 18} L ${right} ${targetY - 18} L ${targetX} ${targetY - 18} L ${targetX} ${targetY}`;
    return (
      <>
        <BaseEdge path={path} markerEnd={markerEnd} style={{ ...style, strokeDasharray: '6 4' }} />
        {label && (
          <EdgeLabelRenderer>
            <div className="edge-label" style={{ transform: `translate(-50%, -50%) translate(${right}px, ${(sourceY + targetY) / 2}px)` }}>
              {label} ↺
            </div>
          </EdgeLabelRenderer>
        )}
      </>
    );
  }
  const [path, lx, ly] = getSmoothStepPath({ ...props, borderRadius: 10 });
  return (
    <>
      <BaseEdge path={path} markerEnd={markerEnd} style={style} />
      {label && (
        <EdgeLabelRenderer>
          <div className="edge-label" style={{ transform: `translate(-50%, -50%) translate(${lx}px, ${ly}px)` }}>
            {label}
          </div>
        </EdgeLabelRenderer>
      )}
    </>
  );
}
const edgeTypes = { flow: FlowEdgeView };

export function FlowEditor(props: { id: string; tab: Tab; me: Me }) {
  return (
    <ReactFlowProvider>
      <FlowEditorInner {...props} />
    </ReactFlowProvider>
  );
}

/** Edges drawn with an arrow and, for named handles, the handle as label. */
function styled(edge: EditorEdge): EditorEdge {
  const handle = edgeHandle(edge);
  return {
    ...edge,
    type: 'flow',
    markerEnd: { type: MarkerType.ArrowClosed, width: 16, height: 16 },
    ...(handle !== OUT ? { label: handleLabel(handle), className: `edge-${handle}` } : {}),
  };
}

function loadGraph(flow: FlowView): { nodes: EditorNode[]; edges: EditorEdge[] } {
  const nodes = toEditorNodes(flow.graph);
  const edges = toEditorEdges(flow.graph).map(styled);
  return { nodes: needsLayout(nodes) ? tidy(nodes, edges) : nodes, edges };
}

function tidy(nodes: EditorNode[], edges: EditorEdge[]): EditorNode[] {
  const at = layoutTopDown(
    nodes.map((n) => ({ id: n.id, width: n.measured?.width, height: n.measured?.height })),
    edges,
  );
  return nodes.map((n) => ({ ...n, position: at.get(n.id) ?? n.position }));
}

/** Positions do not change what the flow means: the validation key ignores them. */
function semanticKeyOf(nodes: EditorNode[], edges: EditorEdge[]): string {
  const doc = toDocument(nodes, edges);
  return documentKey({ ...doc, nodes: doc.nodes.map((n) => ({ ...n, position: { x: 0, y: 0 } })) });
}

function FlowEditorInner({ id, tab, me }: { id: string; tab: Tab; me: Me }) {
  const [flow, setFlow] = useState<FlowView | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [nodes, setNodes, onNodesChange] = useNodesState<EditorNode>([]);
  const [edges, setEdges, onEdgesChange] = useEdgesState<EditorEdge>([]);
  const [savedKey, setSavedKey] = useState('');
  const [server, setServer] = useState<{ key: string; result: ServerValidation } | null>(null);
  const [banner, setBanner] = useState<Banner>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [dialog, setDialog] = useState<'publish' | 'activate' | null>(null);
  const [highlight, setHighlight] = useState<string | null>(null);
  const [counts, setCounts] = useState<Record<string, { entered: number; waiting: number; sent: number; converted: number }> | null>(null);

  useEffect(() => {
    flowsApi
      .get(id)
      .then((f) => {
        const g = loadGraph(f);
        setFlow(f);
        setName(f.name);
        setNodes(g.nodes);
        setEdges(g.edges);
        setSavedKey(documentKey(toDocument(g.nodes, g.edges)));
      })
      .catch((e) => setLoadError(errorText(e)));
    flowsApi
      .metrics(id)
      .then((m) => setCounts(m.nodes))
      .catch(() => setCounts(null)); // counts are a bonus on the cards
  }, [id, setNodes, setEdges]);

  const reload = useCallback(async () => {
    const f = await flowsApi.get(id);
    const g = loadGraph(f);
    setFlow(f);
    setName(f.name);
    setNodes(g.nodes);
    setEdges(g.edges);
    setSavedKey(documentKey(toDocument(g.nodes, g.edges)));
  }, [id, setNodes, setEdges]);

  const doc = useMemo(() => toDocument(nodes, edges), [nodes, edges]);
  const currentKey = useMemo(() => documentKey(doc), [doc]);
  const semanticKey = useMemo(() => semanticKeyOf(nodes, edges), [nodes, edges]);
  // live client-side validation with the engine's own validateFlow; re-run only when the meaning changes
  const live = useMemo(() => validateFlow(JSON.parse(semanticKey)), [semanticKey]);
  const checked = server && server.key === semanticKey ? server.result : null;
  const errors: ValidationIssue[] = checked ? checked.errors : live.errors;
  const warnings: ValidationIssue[] = checked ? checked.warnings : live.warnings;
  // in the marketer's words, each pointing at its form field
  const plainErrors = useMemo(() => errors.map(plainIssue), [errors]);
  const plainWarnings = useMemo(() => warnings.map(plainIssue), [warnings]);
  const issues = useMemo(
    () => issuesByNode(plainErrors.map((i) => ({ nodeId: i.nodeId, message: i.text })), plainWarnings.map((i) => ({ nodeId: i.nodeId, message: i.text }))),
    [plainErrors, plainWarnings],
  );
  const shownBanner = banner && (!banner.key || banner.key === semanticKey) ? banner : null;

  const dirty = flow !== null && currentKey !== savedKey;
  const canDesign = me.permissions.includes('design');
  const canOperate = me.permissions.includes('operate');
  const readOnly = !flow || flow.status === 'archived' || !canDesign;

  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);

  const showApiError = useCallback(
    (e: unknown, key: string) => {
      setBanner({ kind: 'error', text: errorText(e), key });
      if (e instanceof ApiError && e.errors.length > 0) setServer({ key, result: { valid: false, errors: e.errors, warnings: [] } });
    },
    [],
  );

  const save = useCallback(async (): Promise<boolean> => {
    if (!flow) return false;
    setBusy('save');
    setBanner(null);
    const sentKey = currentKey;
    try {
      // the draft endpoint: on an active flow this is a new version that is not live until published
      const updated = await publishingApi.saveDraft(flow.id, { graph: doc, ...(name.trim() && name.trim() !== flow.name ? { name: name.trim() } : {}) });
      setFlow(updated);
      setSavedKey(sentKey);
      setBanner({
        kind: 'ok',
        text:
          updated.status === 'active' && updated.liveVersion !== updated.version
            ? `Draft saved as version ${updated.version}. Live version ${updated.liveVersion} keeps running until you publish.`
            : 'Saved.',
      });
      return true;
    } catch (e) {
      showApiError(e, semanticKey);
      return false;
    } finally {
      setBusy(null);
    }
  }, [flow, doc, currentKey, semanticKey, name, showApiError]);

  const validateOnServer = useCallback(async () => {
    if (!flow) return;
    setBusy('validate');
    try {
      const result = await flowsApi.validate(flow.id, doc);
      setServer({ key: semanticKey, result });
      setBanner(
        result.valid
          ? { kind: 'ok', key: semanticKey, text: `The server says the flow is valid${result.warnings.length ? ` (${result.warnings.length} warnings)` : ''}.` }
          : { kind: 'error', key: semanticKey, text: `The server found ${result.errors.length} problem${result.errors.length === 1 ? '' : 's'}: see the list on the right.` },
      );
    } catch (e) {
      showApiError(e, semanticKey);
    } finally {
      setBusy(null);
    }
  }, [flow, doc, semanticKey, showApiError]);

  const transition = useCallback(
    async (action: 'activate' | 'pause' | 'archive') => {
      if (!flow) return;
      if (action === 'archive' && !window.confirm('Archive this flow? Live journeys exit and queued messages are cancelled. This cannot be undone.')) return;
      if (action === 'activate' && dirty && !(await save())) return;
      setDialog(null);
      setBusy(action);
      setBanner(null);
      try {
        const updated = await flowsApi.transition(flow.id, action);
        setFlow(updated);
        setBanner({ kind: 'ok', text: action === 'activate' ? `Active: version ${updated.liveVersion} is live.` : action === 'pause' ? 'Paused: no enrollment, steps or sends until resumed.' : 'Archived.' });
      } catch (e) {
        showApiError(e, semanticKey);
      } finally {
        setBusy(null);
      }
    },
    [flow, dirty, save, semanticKey, showApiError],
  );

  if (loadError) return <div className="page"><div className="alert error">{loadError}</div><a href={href({ name: 'flows' })}>Back to flows</a></div>;
  if (!flow) return <div className="page"><div className="empty">Loading flow…</div></div>;

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
            style={{ width: `${Math.min(40, Math.max(10, name.length + 2))}ch` }}
            disabled={readOnly}
            onChange={(e) => setName(e.target.value)}
          />
          <StatusBadge status={flow.status} />
          <span className="muted version" data-version={flow.version}>
            v{flow.version}
            {flow.liveVersion !== null && flow.liveVersion !== flow.version ? ` · live v${flow.liveVersion}` : ''}
          </span>
          {(dirty || name.trim() !== flow.name) && !readOnly && <span className="badge unsaved">unsaved</span>}
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
              <button className="btn primary" data-action="save" onClick={() => void save()} disabled={busy !== null || (!dirty && name.trim() === flow.name)}>
                {busy === 'save' ? 'Saving…' : flow.status === 'active' ? 'Save draft' : 'Save'}
              </button>
              {hasDraft && (
                <button className="btn success" data-action="publish" disabled={busy !== null || dirty} title={dirty ? 'Save the draft first' : undefined} onClick={() => setDialog('publish')}>
                  Publish…
                </button>
              )}
            </>
          )}
          {canOperate && flow.status !== 'archived' && (
            <>
              {(flow.status === 'draft' || flow.status === 'paused') && (
                <button className="btn success" data-action="activate" onClick={() => (dirty ? void save().then((ok) => ok && setDialog('activate')) : setDialog('activate'))} disabled={busy !== null} title={dirty ? 'Saves, then asks to confirm' : undefined}>
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
      {dialog === 'activate' && <ActivateDialog flowId={flow.id} resume={flow.status === 'paused'} onClose={() => setDialog(null)} onConfirm={() => void transition('activate')} />}
      {shownBanner && (
        <div className={`alert ${shownBanner.kind} banner`} role="status" data-banner={shownBanner.kind}>
          {shownBanner.text}
          <button className="close" aria-label="Dismiss" onClick={() => setBanner(null)}>
            ×
          </button>
        </div>
      )}
      {flow.status === 'archived' && <div className="alert info banner">This flow is archived: read only. Create a new flow to change it.</div>}
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
            source={checked ? 'checked by the server' : 'live check'}
            onRefused={(text) => setBanner({ kind: 'info', text })}
          />
        </IssuesContext.Provider>
        </HighlightContext.Provider>
        </CountsContext.Provider>
        </FlowInfo.Provider>
      ) : tab === 'journeys' ? (
        <JourneysTab
          flowId={flow.id}
          labels={labels}
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
        <MetricsTab flowId={flow.id} labels={labels} order={nodes.map((n) => n.id)} />
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
}

const flowInfoCache = new Map<string, { id: string; name: string }>();
function flowInfo(id: string, name: string) {
  const key = `${id}\u0000${name}`;
  let v = flowInfoCache.get(key);
  if (!v) flowInfoCache.set(key, (v = { id, name }));
  return v;
}

let clipboard: Clip | null = null;
const MINIMAP_KEY = 'boomerang.minimap';

function Canvas({ nodes, edges, setNodes, setEdges, onNodesChange, onEdgesChange, readOnly, errors, warnings, labels, source, onRefused }: CanvasProps) {
  const { screenToFlowPosition, getNodes, getEdges, fitView } = useReactFlow<EditorNode, EditorEdge>();
  const wrapper = useRef<HTMLDivElement>(null);
  // only the selection, compared shallowly: moving a node does not re-render the inspector's parent
  const selectedIds = useStore((s) => s.nodes.filter((n) => n.selected).map((n) => n.id), shallow);
  const selected = selectedIds.length === 1 ? nodes.find((n) => n.id === selectedIds[0]) : undefined;

  // fit once every node has been measured (the `fitView` prop can run before the cards have their size)
  const initialized = useNodesInitialized();
  const fitted = useRef(false);
  useEffect(() => {
    if (!initialized || fitted.current) return;
    fitted.current = true;
    // readable at 100 %: fit only when it needs little zooming out; otherwise start at the trigger, full size
    const box = wrapper.current?.getBoundingClientRect();
    const trigger = getNodes().find((n) => n.type === 'trigger');
    void fitView({ padding: 0.08, maxZoom: 1, minZoom: 0.8 }).then(() => {
      if (box && trigger && getNodes().length > 12) void fitView({ nodes: [{ id: trigger.id }], maxZoom: 1, minZoom: 1, padding: 2 });
    });
  }, [initialized, fitView]);

  // undo/redo: a snapshot before every edit (typing in one field within a second counts as one edit)
  const stacks = useRef<UndoStacks<{ nodes: EditorNode[]; edges: EditorEdge[] }>>(emptyStacks());
  const lastEdit = useRef<{ what: string; at: number }>({ what: '', at: 0 });
  const snapshot = useCallback(() => ({ nodes: getNodes(), edges: getEdges() }), [getNodes, getEdges]);
  const before = useCallback(
    (what = 'edit') => {
      const now = Date.now();
      if (what !== 'edit' && lastEdit.current.what === what && now - lastEdit.current.at < 1000) {
        lastEdit.current.at = now;
        return;
      }
      lastEdit.current = { what, at: now };
      stacks.current = remember(stacks.current, snapshot());
    },
    [snapshot],
  );
  const restore = useCallback(
    (dir: 'undo' | 'redo') => {
      const r = (dir === 'undo' ? undoStack : redoStack)(stacks.current, snapshot());
      if (!r.state) return;
      stacks.current = r.stacks;
      lastEdit.current = { what: '', at: 0 };
      setNodes(r.state.nodes);
      setEdges(r.state.edges);
    },
    [snapshot, setNodes, setEdges],
  );

  const [minimap, setMinimap] = useState(() => localStorage.getItem(MINIMAP_KEY) !== 'off');
  const toggleMinimap = () =>
    setMinimap((on) => {
      localStorage.setItem(MINIMAP_KEY, on ? 'off' : 'on');
      return !on;
    });

  const autoLayout = useCallback(() => {
    before();
    setNodes((ns) => tidy(ns, getEdges()));
    requestAnimationFrame(() => void fitView({ padding: 0.1, maxZoom: 1, duration: 200 }));
  }, [before, setNodes, getEdges, fitView]);

  // keyboard: Ctrl-Z / Ctrl-Shift-Z (or Ctrl-Y), Ctrl-C / Ctrl-V, Ctrl-D duplicate; Delete is React Flow's own
  useEffect(() => {
    if (readOnly) return;
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      if (target && (target.closest('input, textarea, select, [contenteditable=true]') || target.closest('.modal'))) return;
      if (!(e.ctrlKey || e.metaKey)) return;
      const key = e.key.toLowerCase();
      if (key === 'z') {
        e.preventDefault();
        restore(e.shiftKey ? 'redo' : 'undo');
      } else if (key === 'y') {
        e.preventDefault();
        restore('redo');
      } else if (key === 'c') {
        clipboard = copySelection(getNodes(), getEdges());
      } else if (key === 'v' || key === 'd') {
        const clip = key === 'd' ? copySelection(getNodes(), getEdges()) : clipboard;
        if (!clip) return;
        e.preventDefault();
        before();
        const out = pasteClip(clip, getNodes(), getEdges());
        setNodes(out.nodes);
        setEdges(out.edges.map(styled));
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [readOnly, restore, before, getNodes, getEdges, setNodes, setEdges]);

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
        const edge: Edge = { id: newEdgeId(c.source, handle, c.target, es.map((e) => e.id)), source: c.source, target: c.target, sourceHandle: handle };
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

  const add = useCallback(
    (type: NodeType, at?: { x: number; y: number }) => {
      let position = at;
      if (!position) {
        const box = wrapper.current?.getBoundingClientRect();
        position = box ? screenToFlowPosition({ x: box.left + box.width / 2 - 110, y: box.top + box.height / 2 - 40 }) : { x: 0, y: 0 };
      }
      before();
      setNodes((ns) => [...ns.map((n) => (n.selected ? { ...n, selected: false } : n)), { ...newNode(type, position, ns.map((n) => n.id)), selected: true }]);
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
          snapToGrid
          snapGrid={[10, 10]}
        >
          <Background gap={20} size={1} color="#d4d8e1" />
          <Controls showInteractive={false} />
          {minimap && <MiniMap pannable zoomable style={{ width: 180, height: 120 }} nodeStrokeWidth={3} nodeClassName={(n) => `minimap-${n.type}`} />}
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
          </Panel>
        </ReactFlow>
      </div>
      <aside className="sidebar">
        <ProblemList errors={errors} warnings={warnings} labels={labels} source={source} onPick={select} />
        {selected ? (
          <NodeInspector key={selected.id} node={selected} readOnly={readOnly} {...issueOf(selected.id)} actions={actions} />
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
