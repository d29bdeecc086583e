/**
 * Undo/redo of canvas edits: a snapshot of nodes and edges before every edit (typing in one field within a second
 * counts as one edit), restored by Ctrl-Z / Ctrl-Shift-Z or the toolbar.
 */
import { useReactFlow } from '@xyflow/react';
import { useCallback, useRef } from 'react';
import { emptyStacks, redo as redoStack, remember, undo as undoStack, type UndoStacks } from '../graph/history';
import type { EditorEdge, EditorNode } from '../graph/model';

type Snapshot = { nodes: EditorNode[]; edges: EditorEdge[] };

export function useUndoRedo(setNodes: (nodes: EditorNode[]) => void, setEdges: (edges: EditorEdge[]) => void) {
  const { getNodes, getEdges } = useReactFlow<EditorNode, EditorEdge>();
  const stacks = useRef<UndoStacks<Snapshot>>(emptyStacks());
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

  return { before, restore };
}
