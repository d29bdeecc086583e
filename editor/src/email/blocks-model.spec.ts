import { addBlock, moveBlock, removeBlock, setBlockField, starterBlocks } from './blocks-model';

describe('the block list', () => {
  it('adds before the footer, which stays last, with unique ids', () => {
    const list = addBlock(addBlock(starterBlocks(), 'coupon'), 'divider');
    expect(list.map((b) => b.type)).toEqual(['heading', 'text', 'button', 'coupon', 'divider', 'footer']);
    expect(new Set(list.map((b) => b.id)).size).toBe(list.length);
    expect(
      addBlock(list, 'footer')
        .map((b) => b.type)
        .slice(-2),
    ).toEqual(['footer', 'footer']);
  });

  it('moves, removes and edits by index; out-of-range moves change nothing', () => {
    const list = starterBlocks();
    expect(moveBlock(list, 2, 0).map((b) => b.type)).toEqual(['button', 'heading', 'text', 'footer']);
    expect(moveBlock(list, 0, 3).map((b) => b.type)).toEqual(['text', 'button', 'footer', 'heading']);
    expect(moveBlock(list, 0, -1)).toEqual(list);
    expect(moveBlock(list, 3, 4)).toEqual(list);
    expect(removeBlock(list, 1).map((b) => b.type)).toEqual(['heading', 'button', 'footer']);
    const edited = setBlockField(list, 1, 'text', 'Hi {{firstName}}', false);
    expect(edited[1]).toMatchObject({ type: 'text', text: 'Hi {{firstName}}' });
    expect(list[1]).toMatchObject({ text: '' }); // never in place
    const withCoupon = addBlock(list, 'coupon');
    const noNote = setBlockField(withCoupon, 3, 'note', '', true);
    expect(noNote[3]).not.toHaveProperty('note');
  });
});
