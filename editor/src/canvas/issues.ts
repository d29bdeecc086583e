import { createContext } from 'react';
import type { ValidationIssue } from '../engine';

export interface NodeIssues {
  errors: string[];
  warnings: string[];
}

/** Validation messages by node id, for the node cards' outline and badge. */
export const IssuesContext = createContext<ReadonlyMap<string, NodeIssues>>(new Map());

type Located = Pick<ValidationIssue, 'nodeId' | 'message'>;

export function issuesByNode(errors: readonly Located[], warnings: readonly Located[]): Map<string, NodeIssues> {
  const map = new Map<string, NodeIssues>();
  const entry = (id: string) => {
    let e = map.get(id);
    if (!e) map.set(id, (e = { errors: [], warnings: [] }));
    return e;
  };
  for (const i of errors) if (i.nodeId) entry(i.nodeId).errors.push(i.message);
  for (const i of warnings) if (i.nodeId) entry(i.nodeId).warnings.push(i.message);
  return map;
}
