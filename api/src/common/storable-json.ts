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

/** A place in the walk: its parent and its key. The path is spelled out only for an error, not for every value. */
interface Place {
  value: unknown;
  parent: Place | null;
  key: PropertyKey | null;
  depth: number;
}

function pathOf(place: Place, prefix: PropertyKey[], key?: PropertyKey): PropertyKey[] {
  const path: PropertyKey[] = key === undefined ? [] : [key];
  for (let p: Place | null = place; p && p.key !== null; p = p.parent) path.unshift(p.key);
  return [...prefix, ...path];
}

/** The first thing in `value` that cannot be stored, as an error naming its field (paths start at `prefix`). */
export function findUnstorable(value: unknown, prefix: PropertyKey[] = []): FieldError | null {
  const stack: Place[] = [{ value, parent: null, key: null, depth: 0 }];
  const error = (place: Place, message: string, key?: PropertyKey): FieldError => {
    const path = formatPath(pathOf(place, prefix, key)) || 'body';
    return { path, message: `${path}: ${message}` };
  };
  while (stack.length) {
    const place = stack.pop()!;
    const current = place.value;
    if (typeof current === 'string') {
      const problem = unstorableText(current);
      if (problem) return error(place, problem);
      continue;
    }
    if (current === null || typeof current !== 'object') continue;
    if (place.depth >= MAX_JSON_DEPTH) return error(place, `nested deeper than ${MAX_JSON_DEPTH} levels`);
    const depth = place.depth + 1;
    if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) stack.push({ value: current[i], parent: place, key: i, depth });
      continue;
    }
    const keys = Object.keys(current);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i];
      if (key === '__proto__') return error(place, 'the key "__proto__" is not allowed', key);
      const problem = unstorableText(key);
      if (problem) return error(place, `a key ${problem}`);
      stack.push({ value: (current as Record<string, unknown>)[key], parent: place, key, depth });
    }
  }
  return null;
}
