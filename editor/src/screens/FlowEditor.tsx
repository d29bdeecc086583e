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
import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState, type DragEvent } from 'react';
import { shallow } from 'zustand/shallow';
import { ApiError, errorText, flowsApi, publishingApi, type Me, type SimulationReport } from '../api';
import { edgeTypes, styled } from '../canvas/edges';
import { NodeInspector, ProblemList, type InspectorActions } from '../canvas/Inspector';
import { IssuesContext } from '../canvas/issues';
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
import { href } from '../router';
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
  const [simulating, setSimulating] = useState(0); // a new key per run; 0 = closed
  const [simReport, setSimReport] = useState<SimulationReport | null>(null);
  const [counts, setCounts] = useState<Record<string, { entered: number; waiting: number; sent: number; converted: number }> | null>(null);
  useEffect(() => {
    flowsApi
      .metrics(id)
      .then((m) => {
        setCounts(m.nodes);
        publishLayerVerdicts(id, m);
      })
      .catch(() => setCounts(null)); // counts are a bonus on the cards
  }, [id]);

  const shownBanner = banner && (!banner.key || banner.key === semanticKey) ? banner : null;
  const canDesign = me.permissions.includes('design');
  const canOperate = me.permissions.includes('operate');
  const readOnly = !flow || flow.status === 'archived' || !canDesign;

  const showApiError = useCallback((e: unknown, key: string) => {
    setBanner({ kind: 'error', text: errorText(e), key });
    if (e instanceof ApiError && e.errors.length > 0) setServer({ key, result: { valid: false, errors: e.errors, warnings: [] } });
  }, []);

  const save = useCallback(async (): Promise<boolean> => {
    if (!flow) return false;
    setBusy('save');
    setBanner(null);
    const sentKey = currentKey;
    try {
      // the draft endpoint: on an active flow this is a new version that is not live until published
      const updated = await publishingApi.saveDraft(flow.id, {
        graph: doc,
        ...(name.trim() && name.trim() !== flow.name ? { name: name.trim() } : {}),
      });
      setFlow(updated);
      markSaved(sentKey);
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
    async (action: 'activate' | 'pause' | 'archive') => {
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
              <button
                className="btn primary"
                data-action="save"
                onClick={() => void save()}
                disabled={busy !== null || (!dirty && name.trim() === flow.name)}
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
                  disabled={busy !== null}
                  title={dirty ? 'Saves, then asks to confirm' : undefined}
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
          onClose={() => setDialog(null)}
          onConfirm={() => void transition('activate')}
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
      {shownBanner && (
        <div className={`alert ${shownBanner.kind} banner`} role="status" data-banner={shownBanner.kind}>
          {shownBanner.text}
          <button className="close" aria-label="Dismiss" onClick={() => setBanner(null)}>
            ×
          </button>
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
}

const flowInfoCache = new Map<string, { id: string; name: string }>();
function flowInfo(id: string, name: string) {
  const key = `${id}\u0000${name}`;
  let v = flowInfoCache.get(key);
  if (!v) flowInfoCache.set(key, (v = { id, name }));
  return v;
}

const MINIMAP_KEY = 'boomerang.minimap';

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
}: CanvasProps) {
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

  const { before, restore } = useUndoRedo(setNodes, setEdges);

  const [minimap, setMinimap] = useState(() => localStorage.getItem(MINIMAP_KEY) !== 'off');
  const toggleMinimap = () =>
    setMinimap((on) => {
      localStorage.setItem(MINIMAP_KEY, on ? 'off' : 'on');
      return !on;
    });

  const autoLayout = useCallback(() => {
    before();
    setNodes((ns) => tidy(ns, getEdges()));
    requestAnimationFrame(() => void fitView({ padding: 0.1, maxZoom: 1, minZoom: 0.8, duration: 200 }));
  }, [before, setNodes, getEdges, fitView]);

  useCanvasShortcuts({ readOnly, before, restore, setNodes, setEdges });

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
