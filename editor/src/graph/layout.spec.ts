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
