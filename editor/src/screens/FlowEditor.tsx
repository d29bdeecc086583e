/**
 * One flow: the canvas (palette, React Flow, inspector with problems), journeys and metrics tabs, and the status
 * actions. The canvas state lives here so unsaved edits survive switching tabs.
 */
import {
  Background,
  Controls,
  MarkerType,
  MiniMap,
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
import { shallow } from 'zustand/shallow';
import { ApiError, errorText, flowsApi, type FlowView, type Me, type ServerValidation } from '../api';
import { DRAG_TYPE, Palette } from '../canvas/Palette';
import { IssuesContext, issuesByNode } from '../canvas/issues';
import { NodeInspector, ProblemList, type InspectorActions } from '../canvas/Inspector';
import { nodeTypes } from '../canvas/nodes';
import { edgeHandle, flowNodeTypes, OUT, validateFlow, type NodeType, type ValidationIssue } from '../engine';
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

type Banner = { kind: 'error' | 'ok' | 'info'; text: string } | null;

export function FlowEditor(props: { id: string; tab: 'canvas' | 'journeys' | 'metrics'; me: Me }) {
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
    type: 'smoothstep',
    markerEnd: { type: MarkerType.ArrowClosed, width: 16, height: 16 },
    ...(handle !== OUT ? { label: handle, className: `edge-${handle}` } : {}),
  };
}

function loadGraph(flow: FlowView): { nodes: EditorNode[]; edges: EditorEdge[] } {
  return { nodes: toEditorNodes(flow.graph), edges: toEditorEdges(flow.graph).map(styled) };
}

/** Positions do not change what the flow means: the validation key ignores them. */
function semanticKeyOf(nodes: EditorNode[], edges: EditorEdge[]): string {
  const doc = toDocument(nodes, edges);
  return documentKey({ ...doc, nodes: doc.nodes.map((n) => ({ ...n, position: { x: 0, y: 0 } })) });
}

function FlowEditorInner({ id, tab, me }: { id: string; tab: 'canvas' | 'journeys' | 'metrics'; me: Me }) {
  const [flow, setFlow] = useState<FlowView | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [nodes, setNodes, onNodesChange] = useNodesState<EditorNode>([]);
  const [edges, setEdges, onEdgesChange] = useEdgesState<EditorEdge>([]);
  const [savedKey, setSavedKey] = useState('');
  const [server, setServer] = useState<{ key: string; result: ServerValidation } | null>(null);
  const [banner, setBanner] = useState<Banner>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [name, setName] = useState('');

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
  }, [id, setNodes, setEdges]);

  const doc = useMemo(() => toDocument(nodes, edges), [nodes, edges]);
  const currentKey = useMemo(() => documentKey(doc), [doc]);
  const semanticKey = useMemo(() => semanticKeyOf(nodes, edges), [nodes, edges]);
  // live client-side validation with the engine's own validateFlow; re-run only when the meaning changes
  const live = useMemo(() => validateFlow(JSON.parse(semanticKey)), [semanticKey]);
  const checked = server && server.key === semanticKey ? server.result : null;
  const errors: ValidationIssue[] = checked ? checked.errors : live.errors;
  const warnings: ValidationIssue[] = checked ? checked.warnings : live.warnings;
  const issues = useMemo(() => issuesByNode(errors, warnings), [errors, warnings]);

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
      setBanner({ kind: 'error', text: errorText(e) });
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
      const updated = await flowsApi.update(flow.id, { graph: doc, ...(name.trim() && name.trim() !== flow.name ? { name: name.trim() } : {}) });
      setFlow(updated);
      setSavedKey(sentKey);
      setBanner({
        kind: 'ok',
        text: updated.version !== flow.version ? `Saved as version ${updated.version}${updated.liveVersion === updated.version ? ' (live now)' : ''}.` : 'Saved.',
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
      setBanner(result.valid ? { kind: 'ok', text: `The server says the flow is valid${result.warnings.length ? ` (${result.warnings.length} warnings)` : ''}.` } : { kind: 'error', text: `The server found ${result.errors.length} error${result.errors.length === 1 ? '' : 's'}.` });
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
          {(['canvas', 'journeys', 'metrics'] as const).map((t) => (
            <a key={t} href={href({ name: 'flow', id: flow.id, tab: t })} className={tab === t ? 'on' : ''}>
              {t === 'canvas' ? 'Canvas' : t === 'journeys' ? 'Journeys' : 'Metrics'}
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
                {busy === 'save' ? 'Saving…' : 'Save'}
              </button>
            </>
          )}
          {canOperate && flow.status !== 'archived' && (
            <>
              {(flow.status === 'draft' || flow.status === 'paused') && (
                <button className="btn success" data-action="activate" onClick={() => void transition('activate')} disabled={busy !== null} title={dirty ? 'Saves, then activates' : undefined}>
                  {flow.status === 'paused' ? 'Resume' : 'Activate'}
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
      {banner && (
        <div className={`alert ${banner.kind} banner`} role="status" data-banner={banner.kind}>
          {banner.text}
          <button className="close" aria-label="Dismiss" onClick={() => setBanner(null)}>
            ×
          </button>
        </div>
      )}
      {flow.status === 'archived' && <div className="alert info banner">This flow is archived: read only. Create a new flow to change it.</div>}
      {flow.status === 'active' && !readOnly && tab === 'canvas' && (
        <div className="alert info banner subtle">Saving an active flow publishes a new version at once; running journeys stay on the version they entered.</div>
      )}
      {tab === 'canvas' ? (
        <IssuesContext.Provider value={issues}>
          <Canvas
            nodes={nodes}
            edges={edges}
            setNodes={setNodes}
            setEdges={setEdges}
            onNodesChange={onNodesChange}
            onEdgesChange={onEdgesChange}
            readOnly={readOnly}
            errors={errors}
            warnings={warnings}
            source={checked ? 'checked by the server' : 'live check'}
            onRefused={(text) => setBanner({ kind: 'info', text })}
          />
        </IssuesContext.Provider>
      ) : tab === 'journeys' ? (
        <JourneysTab flowId={flow.id} labels={labels} />
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
  errors: ValidationIssue[];
  warnings: ValidationIssue[];
  source: string;
  onRefused: (reason: string) => void;
}

function Canvas({ nodes, edges, setNodes, setEdges, onNodesChange, onEdgesChange, readOnly, errors, warnings, source, onRefused }: CanvasProps) {
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
    void fitView({ padding: 0.12, maxZoom: 1 });
  }, [initialized, fitView]);

  const isValidConnection: IsValidConnection<EditorEdge> = useCallback(
    (c) => connectionProblem(getNodes().map(shapeOf), getEdges(), c) === null,
    [getNodes, getEdges],
  );

  const onConnect = useCallback(
    (c: Connection) => {
      setEdges((es) => {
        if (connectionProblem(getNodes().map(shapeOf), es, c) !== null) return es;
        const handle = edgeHandle(c);
        const edge: Edge = { id: newEdgeId(c.source, handle, c.target, es.map((e) => e.id)), source: c.source, target: c.target, sourceHandle: handle };
        return [...es, styled(edge)];
      });
    },
    [setEdges, getNodes],
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
      setNodes((ns) => [...ns.map((n) => (n.selected ? { ...n, selected: false } : n)), { ...newNode(type, position, ns.map((n) => n.id)), selected: true }]);
    },
    [setNodes, screenToFlowPosition],
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
        setNodes((ns) => ns.map((n) => (n.id === id ? ({ ...n, data: { ...n.data, config } } as EditorNode) : n)));
        setEdges((es) => reconcileEdges(es, id, handlesOf(type, config), renames).map(styled));
      },
      onLabel: (id, label) =>
        setNodes((ns) =>
          ns.map((n) => {
            if (n.id !== id) return n;
            const { label: _old, ...rest } = n.data;
            return { ...n, data: label ? { ...rest, label } : rest } as EditorNode;
          }),
        ),
      onDelete: (id) => {
        setNodes((ns) => ns.filter((n) => n.id !== id));
        setEdges((es) => es.filter((e) => e.source !== id && e.target !== id));
      },
    }),
    [setNodes, setEdges],
  );

  const issueOf = (id: string) => ({
    errors: errors.filter((i) => i.nodeId === id).map((i) => i.message),
    warnings: warnings.filter((i) => i.nodeId === id).map((i) => i.message),
  });

  return (
    <div className="editor-body">
      {!readOnly && <Palette onAdd={(t) => add(t)} />}
      <div className="canvas" ref={wrapper} onDrop={onDrop} onDragOver={(e) => e.preventDefault()}>
        <ReactFlow<EditorNode, EditorEdge>
          nodes={nodes}
          edges={edges}
          nodeTypes={nodeTypes}
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
          <MiniMap pannable zoomable nodeStrokeWidth={3} nodeClassName={(n) => `minimap-${n.type}`} />
        </ReactFlow>
      </div>
      <aside className="sidebar">
        <ProblemList errors={errors} warnings={warnings} source={source} onPick={select} />
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
