/**
 * zod issues → `{path, message}` pairs whose message names the field (`graph.nodes[2].data.days: expected number`).
 * Unions collapse to the branch that got furthest, so a typo in one rule leaf does not print every alternative.
 */
import type { z } from 'zod';
import { flattenZodIssues, formatPath } from '@boomerang/engine';

export { formatPath };

export interface FieldError {
  path: string;
  message: string;
}

type Issue = z.core.$ZodIssue;
type Path = PropertyKey[];

/** `prefix` is prepended to every path: `body`, `query`, or a batch item's `[3]`. */
export function fieldErrors(issues: readonly Issue[], prefix: Path = [], input?: unknown): FieldError[] {
  const seen = new Set<string>();
  const out: FieldError[] = [];
  for (const { issue, path } of flattenZodIssues(issues, prefix)) {
    const node = nodeIdAt(input, path.slice(prefix.length));
    const field = formatPath(path);
    const error = { path: field, message: describe(issue, `${field}${node ? ` (node "${node.slice(0, 100)}")` : ''}`) };
    if (seen.has(error.message)) continue;
    seen.add(error.message);
    out.push(error);
  }
  return out;
}

/**
 * The id of the graph node a path goes through (`graph.nodes[1].type` → that node's `id`), so an error names the
 * node the editor shows rather than its index (issue 20); null when the path is not inside a node with an id.
 */
function nodeIdAt(input: unknown, path: readonly PropertyKey[]): string | null {
  let value: unknown = input;
  let id: string | null = null;
  for (let i = 0; i < path.length && value !== null && typeof value === 'object'; i++) {
    value = (value as Record<PropertyKey, unknown>)[path[i] as string];
    if (path[i - 1] === 'nodes' && typeof path[i] === 'number' && value && typeof value === 'object') {
      const candidate = (value as { id?: unknown }).id;
      id = typeof candidate === 'string' && candidate !== '' ? candidate : null;
    }
  }
  return id;
}

/** One line for a response's `message`: the first few errors. */
export function summarize(errors: readonly FieldError[]): string {
  const shown = errors.slice(0, 3).map((e) => e.message);
  const more = errors.length > 3 ? ` (and ${errors.length - 3} more)` : '';
  return `${shown.join('; ')}${more}`;
}

function describe(issue: Issue, field: string): string {
  const message = issue.message.replace(/^Invalid input: /, '');
  const name = field || 'body';
  if (issue.code === 'invalid_type' && /received undefined/.test(issue.message)) {
    return `${name}: is required (${issue.expected})`;
  }
  if (issue.code === 'unrecognized_keys') {
    return `${name}: unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  }
  if (issue.code === 'invalid_union' && 'note' in issue && issue.note === 'No matching discriminator') {
    const options = 'options' in issue && Array.isArray(issue.options) ? issue.options.map((o) => `"${String(o)}"`) : [];
    return `${name}: unknown value; expected one of ${options.join(', ')}`;
  }
  return `${name}: ${message}`;
}
