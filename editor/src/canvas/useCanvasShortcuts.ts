/** Keyboard: Ctrl-Z / Ctrl-Shift-Z (or Ctrl-Y), Ctrl-C / Ctrl-V, Ctrl-D duplicate; Delete is React Flow's own. */
import { useReactFlow } from '@xyflow/react';
import { useEffect } from 'react';
import { copySelection, pasteClip, type Clip } from '../graph/clipboard';
import type { EditorEdge, EditorNode } from '../graph/model';
import { styled } from './edges';

let clipboard: Clip | null = null;

export function useCanvasShortcuts({
  readOnly,
  before,
  restore,
  setNodes,
  setEdges,
}: {
  readOnly: boolean;
  before: (what?: string) => void;
  restore: (dir: 'undo' | 'redo') => void;
  setNodes: (nodes: EditorNode[]) => void;
  setEdges: (edges: EditorEdge[]) => void;
}) {
  const { getNodes, getEdges } = useReactFlow<EditorNode, EditorEdge>();
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
}
