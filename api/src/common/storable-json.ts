/**
 * What PostgreSQL and a JavaScript object cannot hold faithfully, found before anything else reads a request: text
 * and jsonb refuse U+0000, jsonb refuses lone UTF-16 surrogates (and text would silently store U+FFFD instead), a
 * `__proto__` key cannot round-trip through a JavaScript object, and nesting deeper than anything this API accepts
 * would only exhaust recursive code (zod, JSON.stringify) further in. The walk is iterative, so a 10,000-level body
 * costs a loop, not the stack.
 */
import type { FieldError } from './zod-errors';
import { formatPath } from './zod-errors';

/** Deeper than any document this API takes: a flow's rules nest a few levels, attributes and properties stay flat. */
export const MAX_JSON_DEPTH = 64;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why a string cannot be stored, or null. */
export function unstorableText(text: string): string | null {
  if (text.includes('\u0000')) return 'contains the NUL character (\\u0000), which cannot be stored';
  const lone = LONE_SURROGATE.exec(text);
  if (lone) {
    const code = lone[0].charCodeAt(0).toString(16);
    return `contains a lone surrogate (\\u${code}), which is not Unicode text; send well-formed UTF-8 or UTF-16`;
  }
  return null;
}

/** The first thing in `value` that cannot be stored, as an error naming its field (paths start at `prefix`). */
export function findUnstorable(value: unknown, prefix: PropertyKey[] = []): FieldError | null {
  const stack: { value: unknown; path: PropertyKey[] }[] = [{ value, path: prefix }];
  while (stack.length) {
    const { value: current, path } = stack.pop()!;
    const error = (message: string, at = path) => ({ path: formatPath(at) || 'body', message: `${formatPath(at) || 'body'}: ${message}` });
    if (typeof current === 'string') {
      const problem = unstorableText(current);
      if (problem) return error(problem);
      continue;
    }
    if (current === null || typeof current !== 'object') continue;
    if (path.length - prefix.length >= MAX_JSON_DEPTH) return error(`nested deeper than ${MAX_JSON_DEPTH} levels`);
    if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) stack.push({ value: current[i], path: [...path, i] });
      continue;
    }
    const keys = Object.keys(current);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i];
      if (key === '__proto__') return error('the key "__proto__" is not allowed', [...path, key]);
      const problem = unstorableText(key);
      if (problem) return error(`a key ${problem}`);
      stack.push({ value: (current as Record<string, unknown>)[key], path: [...path, key] });
    }
  }
  return null;
}
