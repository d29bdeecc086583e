/** Words for the canvas: a node's one-line summary, type names and hints (each type's own, from the core), log details. */
import { flowNodeTypes, traitsOf, type NodeType } from '../engine';
import type { ConfigOf } from './model';

/** The card's line for a node: its type's `summary`, or nothing while the data is mid-edit in a shape it does not know. */
export function summarize<T extends NodeType>(type: T, config: ConfigOf<T>): string {
  try {
    return traitsOf(type).summary(config);
  } catch {
    return '';
  }
}

const byType = (words: (type: NodeType) => string) =>
  Object.fromEntries(flowNodeTypes.map((t) => [t, words(t)])) as Record<NodeType, string>;

/** "Message" for a channel node: the palette's and the cards' name of each type. */
export const typeLabel = byType((t) => traitsOf(t).label);

/** What each type is for, under its name in the palette. */
export const typeHint = byType((t) => traitsOf(t).hint);

const hiddenDetail = /^(type|flowId|journeyId|messageId|providerId|idempotencyKey)$/;

/** A log row's `detail` as one readable line: the explanation first, then the remaining values. */
export function describeDetail(detail: Record<string, unknown> | undefined): string {
  if (!detail) return '';
  const parts: string[] = [];
  for (const key of ['explanation', 'reason', 'text', 'preview']) {
    const v = detail[key];
    if (typeof v === 'string' && v) parts.push(v);
  }
  for (const [k, v] of Object.entries(detail)) {
    if (['explanation', 'reason', 'text', 'preview'].includes(k) && typeof v === 'string') continue;
    if (hiddenDetail.test(k)) continue; // ids and keys: in the API, not what a marketer reads
    if (v === null || v === undefined) continue;
    parts.push(`${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
  }
  return parts.join(' · ');
}
