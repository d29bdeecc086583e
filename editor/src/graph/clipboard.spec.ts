import { copySelection, pasteClip } from './clipboard';
import { newNode, type EditorEdge, type EditorNode } from './model';

describe('copy and paste of steps', () => {
  it('pastes copies with fresh ids and their inner connection', () => {
    const nodes: EditorNode[] = [
      { ...newNode('trigger', { x: 0, y: 0 }, []), selected: false },
      { ...newNode('channel', { x: 0, y: 100 }, []), selected: true },
      { ...newNode('delay', { x: 0, y: 200 }, []), selected: true },
    ];
    const edges: EditorEdge[] = [
      { id: 'e1', source: 'trigger', target: 'channel', sourceHandle: 'out' },
      { id: 'e2', source: 'channel', target: 'delay', sourceHandle: 'out' },
    ];
    const clip = copySelection(nodes, edges)!;
    expect(clip.nodes.map((n) => n.id)).toEqual(['channel', 'delay']);
    expect(clip.edges.map((e) => e.id)).toEqual(['e2']);
    const out = pasteClip(clip, nodes, edges);
    expect(out.nodes.map((n) => [n.id, !!n.selected])).toEqual([
      ['trigger', false],
      ['channel', false],
      ['delay', false],
      ['channel2', true],
      ['delay2', true],
    ]);
    expect(out.nodes[3].position).toEqual({ x: 40, y: 140 });
    expect(out.edges[2]).toMatchObject({ source: 'channel2', target: 'delay2', sourceHandle: 'out' });
    expect(
      copySelection(
        out.nodes.map((n) => ({ ...n, selected: false }) as EditorNode),
        out.edges,
      ),
    ).toBeNull();
  });
});
