import { layoutTopDown, needsLayout } from './layout';

//  t
//  │
//  m ◀─┐
//  │   │
//  d ──┘   (loop back through a delay)
describe('layoutTopDown', () => {
  it('puts each step below the one before it, loops included', () => {
    const pos = layoutTopDown(
      [{ id: 't' }, { id: 'm' }, { id: 'd' }],
      [
        { source: 't', target: 'm' },
        { source: 'm', target: 'd' },
        { source: 'd', target: 'm' },
      ],
    );
    expect(pos.get('t')!.y).toBeLessThan(pos.get('m')!.y);
    expect(pos.get('m')!.y).toBeLessThan(pos.get('d')!.y);
    expect(needsLayout([...pos.values()].map((position) => ({ position })))).toBe(false);
    expect(needsLayout([{ position: { x: 0, y: 0 } }, { position: { x: 0, y: 0 } }])).toBe(true);
  });
});

//      c
//   yes/ \no        the "yes" card is laid out under the left exit, the "no" card under the right one
//    a     b
describe('exit order', () => {
  it('puts the targets of a step in the order of its exits', () => {
    const nodes = [
      { id: 'c', handles: ['yes', 'no'] },
      { id: 'b', height: 150 },
      { id: 'a', height: 90 },
    ];
    for (const edges of [
      [
        { source: 'c', target: 'b', sourceHandle: 'no' },
        { source: 'c', target: 'a', sourceHandle: 'yes' },
      ],
      [
        { source: 'c', target: 'a', sourceHandle: 'yes' },
        { source: 'c', target: 'b', sourceHandle: 'no' },
      ],
    ]) {
      const pos = layoutTopDown(nodes, edges);
      expect(pos.get('a')!.x).toBeLessThan(pos.get('b')!.x);
    }
  });
});
