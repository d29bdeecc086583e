/** Helpers the node types' data checks share: an issue at a path inside `data`, and the duration check. */
import { durationProblem } from '../durations';
import type { DataIssue } from './types';

/**
 * An issue worded `data.<path>: <problem>`. `field` is the path the issue is about when it is more precise than the
 * path the words name (`data.template: email needs template.subject` is about `template.subject`).
 */
export function issueAt(path: string, code: string, problem: string, params?: Record<string, unknown>, field = path): DataIssue {
  return { code, field, ...(params ? { params } : {}), message: `data.${path}: ${problem}` };
}

/** `duration.notPositive` (zero or less) or `duration.invalid` (not a duration) when `value` is not a positive one. */
export function durationIssues(value: string, path: string): DataIssue[] {
  const problem = durationProblem(value);
  if (!problem) return [];
  return [issueAt(path, `duration.${problem}`, `"${value}" is not a positive ISO 8601 duration (e.g. PT24H, P7D)`, { value })];
}

/** Ids that occur more than once, each once. */
export function duplicateIds(ids: readonly string[]): string[] {
  return [...new Set(ids.filter((id, i) => ids.indexOf(id) !== i))];
}
