/** Words for the canvas: a node's one-line summary (its type's own, from the core), type names and hints, log details. */
import { traitsOf, type NodeType } from '../engine';
import type { ConfigOf } from './model';

/** The card's line for a node: its type's `summary`, or nothing while the data is mid-edit in a shape it does not know. */
export function summarize<T extends NodeType>(type: T, config: ConfigOf<T>): string {
  try {
    return traitsOf(type).summary(config);
  } catch {
    return '';
  }
}

export const typeLabel: Record<NodeType, string> = {
  trigger: 'Trigger',
  condition: 'Condition',
  delay: 'Delay',
  channel: 'Message',
  goal: 'Goal',
};

export const typeHint: Record<NodeType, string> = {
  trigger: 'Who enters: inactivity, an event or a segment',
  condition: 'Branch on a rule, layers or an A/B split',
  delay: 'Wait a duration, until a time, or for an event',
  channel: 'Send email, push, SMS or a webhook',
  goal: 'Conversion: ends the journey as converted',
};

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
