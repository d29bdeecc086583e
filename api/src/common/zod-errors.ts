/**
 * zod issues → `{path, message}` pairs whose message names the field (`graph.nodes[2].data.days: expected number`).
 * Unions collapse to the branch that got furthest, so a typo in one rule leaf does not print every alternative.
 */
import type { z } from 'zod';

export interface FieldError {
  path: string;
  message: string;
}

type Issue = z.core.$ZodIssue;
type Path = PropertyKey[];

export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (s, p) => (typeof p === 'number' ? `${s}[${p}]` : s ? `${s}.${String(p)}` : String(p)),
    '',
  );
}

/** `prefix` is prepended to every path: `body`, `query`, or a batch item's `[3]`. */
export function fieldErrors(issues: readonly Issue[], prefix: Path = []): FieldError[] {
  const seen = new Set<string>();
  const out: FieldError[] = [];
  for (const { issue, path } of flatten(issues, prefix)) {
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

function flatten(issues: readonly Issue[], prefix: Path): { issue: Issue; path: Path }[] {
  const out: { issue: Issue; path: Path }[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'invalid_union' && Array.isArray(issue.errors) && issue.errors.length > 0) {
      const best = [...issue.errors].sort((a, b) => score(a) - score(b) || a.length - b.length)[0];
      out.push(...flatten(best, path));
    } else {
      out.push({ issue, path });
    }
  }
  return out;
}

/** How "wrong-shaped" a union branch is: a branch whose keys do not even match loses to one with a bad value. */
function score(branch: readonly Issue[]): number {
  return branch.filter(
    (i) =>
      (i.code === 'unrecognized_keys' && i.path.length === 0) ||
      (i.code === 'invalid_type' && i.path.length <= 1 && /received undefined/.test(i.message)) ||
      (i.code === 'invalid_type' && i.path.length === 0),
  ).length;
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
