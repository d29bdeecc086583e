import type { z } from 'zod';

type Issue = z.core.$ZodIssue;
type Path = PropertyKey[];

/** Unions collapse to the branch that got furthest (fewest "wrong shape" issues), so messages name real fields. */
export function flattenZodIssues(issues: readonly Issue[], prefix: Path): { issue: Issue; path: Path }[] {
  const out: { issue: Issue; path: Path }[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'invalid_union' && Array.isArray(issue.errors) && issue.errors.length > 0) {
      const best = [...issue.errors].sort((a, b) => score(a) - score(b) || a.length - b.length)[0];
      out.push(...flattenZodIssues(best, path));
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

/** `graph.nodes[2].data.days` */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((s, p) => (typeof p === 'number' ? `${s}[${p}]` : s ? `${s}.${String(p)}` : String(p)), '');
}
