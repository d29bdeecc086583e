/**
 * The canvas tab's body: the palette, React Flow with the cards, the tools (undo, Tidy up, minimap, keys) and the
 * sidebar with the problems and the selected step's inspector. Node-specific parts come from the registry (`nodes/`).
 */
import {
  Background,
  Controls,
  MiniMap,
  Panel,
  ReactFlow,
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
import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent, type RefObject } from 'react';
import { shallow } from 'zustand/shallow';
import { edgeTypes, styled } from '../canvas/edges';
import { NodeInspector, ProblemList, type InspectorActions } from '../canvas/Inspector';
import { KeyboardHelp, useKeyboardHelp } from '../canvas/KeyboardHelp';
import { nodeTypes } from '../canvas/nodes';
import { DRAG_TYPE, Palette } from '../canvas/Palette';
import { useCanvasShortcuts } from '../canvas/useCanvasShortcuts';
import { useUndoRedo } from '../canvas/useUndoRedo';
import { edgeHandle, flowNodeTypes, type NodeType } from '../engine';
import { connectionProblem } from '../graph/connection-rules';
import { handlesOf, newEdgeId, newNode, reconcileEdges, shapeOf, type EditorEdge, type EditorNode } from '../graph/model';
import type { PlainIssue } from '../graph/plain-issues';
import { tidy } from './useFlowDocument';

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

export function Canvas({
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
