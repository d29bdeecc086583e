import { describeEntry } from './timeline';

const name = (id: string) => ({ t: 'Inactive 7 days', c: 'Active?', w: 'Wait a week' })[id] ?? id;

describe('describeEntry', () => {
  it.each([
    [{ kind: 'entered', nodeId: 't', detail: {} }, 'Entered the flow at “Inactive 7 days”.'],
    [{ kind: 'decision', nodeId: 'c', detail: { handle: 'no', explanation: 'active = false' } }, '“Active?” decided “no”: active = false.'],
    [{ kind: 'wait', nodeId: 'w', detail: { kind: 'delay', until: 'X' } }, 'Waits at “Wait a week” until <X>.'],
    [{ kind: 'guardrail', nodeId: 'w', detail: { reason: 'quiet hours' } }, 'Not sent at “Wait a week”: quiet hours.'],
  ])('%j', (row, sentence) => {
    expect(describeEntry(row, name, (iso) => `<${iso}>`)).toBe(sentence);
  });
});
