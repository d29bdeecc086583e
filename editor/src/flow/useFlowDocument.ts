/**
 * The flow being edited: the stored flow, React Flow's node and edge state built from its graph (laid out top to
 * bottom when the document has no usable positions), the document and its keys, the flow's settings as edited, and
 * "unsaved?".
 */
import { useEdgesState, useNodesState } from '@xyflow/react';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { errorText, flowsApi, type FlowView } from '../api';
import type { FlowSettingsPatch } from '../engine';
import { styled } from '../canvas/edges';
import { layoutTopDown, needsLayout } from '../graph/layout';
import { documentKey, handlesOf, toDocument, toEditorEdges, toEditorNodes, type EditorEdge, type EditorNode } from '../graph/model';

export function loadGraph(flow: FlowView): { nodes: EditorNode[]; edges: EditorEdge[] } {
  const nodes = toEditorNodes(flow.graph);
  const edges = toEditorEdges(flow.graph).map(styled);
  return { nodes: needsLayout(nodes) ? tidy(nodes, edges) : nodes, edges };
}

export function tidy(nodes: EditorNode[], edges: EditorEdge[]): EditorNode[] {
  const at = layoutTopDown(
    nodes.map((n) => ({ id: n.id, width: n.measured?.width, height: n.measured?.height, handles: handlesOf(n.type, n.data.config) })),
    edges,
  );
  return nodes.map((n) => ({ ...n, position: at.get(n.id) ?? n.position }));
}

/** Positions do not change what the flow means: the validation key ignores them. */
export function semanticKeyOf(nodes: EditorNode[], edges: EditorEdge[]): string {
  const doc = toDocument(nodes, edges);
  return documentKey({ ...doc, nodes: doc.nodes.map((n) => ({ ...n, position: { x: 0, y: 0 } })) });
}

export function useFlowDocument(id: string) {
  const [flow, setFlow] = useState<FlowView | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [nodes, setNodes, onNodesChange] = useNodesState<EditorNode>([]);
  const [edges, setEdges, onEdgesChange] = useEdgesState<EditorEdge>([]);
  const [savedKey, setSavedKey] = useState('');
  const [name, setName] = useState('');
  // the settings edited here and not saved yet, over the stored ones (not a copy: a change made elsewhere, such as
  // the holdout chosen in the activation dialog, shows through)
  const [settingsEdit, setSettingsEdit] = useState<FlowSettingsPatch>({});

  const show = useCallback(
    (f: FlowView) => {
      const g = loadGraph(f);
      setFlow(f);
      setName(f.name);
      setNodes(g.nodes);
      setEdges(g.edges);
      setSavedKey(documentKey(toDocument(g.nodes, g.edges)));
      setSettingsEdit({});
    },
    [setNodes, setEdges],
  );
  useEffect(() => {
    flowsApi
      .get(id)
      .then(show)
      .catch((e) => setLoadError(errorText(e)));
  }, [id, show]);
  const reload = useCallback(async () => show(await flowsApi.get(id)), [id, show]);

  const doc = useMemo(() => toDocument(nodes, edges), [nodes, edges]);
  const currentKey = useMemo(() => documentKey(doc), [doc]);
  const semanticKey = useMemo(() => semanticKeyOf(nodes, edges), [nodes, edges]);
  const dirty = flow !== null && currentKey !== savedKey;
  const settings = flow ? { ...flow.settings, ...settingsEdit } : null;
  const settingsChanges = useMemo(() => changedSettings(flow?.settings, settingsEdit), [flow?.settings, settingsEdit]);
  const editSettings = useCallback((patch: FlowSettingsPatch) => setSettingsEdit((edit) => ({ ...edit, ...patch })), []);
  /** after a save of `sent`: what is still edited is what changed since (compared with the stored settings) */
  const markSettingsSaved = useCallback(
    (sent: FlowSettingsPatch) =>
      setSettingsEdit((edit) =>
        Object.fromEntries(
          Object.entries(edit).filter(([k, v]) => JSON.stringify(v) !== JSON.stringify(sent[k as keyof FlowSettingsPatch])),
        ),
      ),
    [],
  );

  return {
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
    markSaved: setSavedKey,
    settings,
    editSettings,
    settingsChanges,
    markSettingsSaved,
    reload,
  };
}

/** The edited settings that differ from the stored ones, or null when none does. */
export function changedSettings(stored: FlowSettingsPatch | undefined, edit: FlowSettingsPatch): FlowSettingsPatch | null {
  const changed = Object.entries(edit).filter(([k, v]) => JSON.stringify(v) !== JSON.stringify(stored?.[k as keyof FlowSettingsPatch]));
  return changed.length ? (Object.fromEntries(changed) as FlowSettingsPatch) : null;
}
