import { emptyStacks, HISTORY_LIMIT, redo, remember, undo } from './history';

describe('undo stacks', () => {
  it('undoes, redoes, and forgets the redo branch on a new edit', () => {
    let h = emptyStacks<string>();
    h = remember(h, 'a'); // edit a → b
    h = remember(h, 'b'); // edit b → c
    let r = undo(h, 'c');
    expect(r.state).toBe('b');
    r = undo(r.stacks, 'b');
    expect(r.state).toBe('a');
    expect(undo(r.stacks, 'a').state).toBeNull();
    const again = redo(r.stacks, 'a');
    expect(again.state).toBe('b');
    h = remember(again.stacks, 'b'); // a new edit after undo
    expect(h.future).toEqual([]);
    expect(redo(h, 'x').state).toBeNull();
  });

  it('keeps at most HISTORY_LIMIT steps', () => {
    let h = emptyStacks<number>();
    for (let i = 0; i < HISTORY_LIMIT + 10; i++) h = remember(h, i);
    expect(h.past).toHaveLength(HISTORY_LIMIT);
  });
});
