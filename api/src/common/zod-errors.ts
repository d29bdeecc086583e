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
export function fieldErrors(issues: readonly Issue[], prefix: Path = []): FieldError[] {
  const seen = new Set<string>();
  const out: FieldError[] = [];
  for (const { issue, path } of flattenZodIssues(issues, prefix)) {
    const field = formatPath(path);
    const error = { path: field, message: describe(issue, field) };
    if (seen.has(error.message)) continue;
    seen.add(error.message);
    out.push(error);
  }
  return out;
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
