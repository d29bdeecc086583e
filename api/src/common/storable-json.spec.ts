import { findUnstorable, MAX_JSON_DEPTH } from './storable-json';

const nested = (levels: number): unknown => {
  let value: unknown = 1;
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
};

describe('findUnstorable', () => {
  it.each<[string, unknown, string | null]>([
    ['plain data', { a: ['x', 1, null, { constructor: 'c', prototype: 'p' }], b: "\ud83d\ude00 <b> '; --" }, null],
    ['NUL in a value', { a: { b: ['ok', 'x\u0000'] } }, 'a.b[1]: contains the NUL character (\\u0000), which cannot be stored'],
    ['NUL in a key', { a: { 'k\u0000': 1 } }, 'a: a key contains the NUL character (\\u0000), which cannot be stored'],
    [
      'a lone high surrogate',
      { t: 'a\ud800b' },
      't: contains a lone surrogate (\\ud800), which is not Unicode text; send well-formed UTF-8 or UTF-16',
    ],
    [
      'a lone low surrogate',
      ['\udc00'],
      '[0]: contains a lone surrogate (\\udc00), which is not Unicode text; send well-formed UTF-8 or UTF-16',
    ],
    ['a __proto__ key', JSON.parse('{"a":{"__proto__":{"polluted":1}}}'), 'a.__proto__: the key "__proto__" is not allowed'],
    ['a NUL string as the whole body', 'x\u0000', 'body: contains the NUL character (\\u0000), which cannot be stored'],
  ])('%s', (_label, value, message) => {
    expect(findUnstorable(value)?.message ?? null).toBe(message);
  });

  it(`allows ${MAX_JSON_DEPTH} levels and refuses deeper, without recursion (10,000 levels)`, () => {
    expect(findUnstorable(nested(MAX_JSON_DEPTH))).toBeNull();
    expect(findUnstorable(nested(MAX_JSON_DEPTH + 1))?.message).toMatch(/^a(\.a)+: nested deeper than 64 levels$/);
    expect(findUnstorable(nested(10_000))?.message).toMatch(/nested deeper than 64 levels$/);
  });

  it('names paths from the prefix (a batch item)', () => {
    expect(findUnstorable({ name: 'x\u0000' }, [3])?.path).toBe('[3].name');
  });
});
