/** Stable hashing for deterministic per-contact decisions (A/B splits, holdout); pure, so the editor may bundle it. */

/** 32-bit FNV-1a of a UTF-16 string's code units. */
export function fnv1a(input: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < input.length; i++) {
    h ^= input.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A bucket 0..99, the same for the same parts forever. */
export function bucketOf(...parts: string[]): number {
  return fnv1a(parts.join('\u0000')) % 100;
}

/** Which split arm a contact takes at a condition node: cumulative percentages over bucket (flowId, contactId, nodeId). */
export function splitArm(split: readonly { id: string; percent: number }[], flowId: string, contactId: string, nodeId: string): string {
  const bucket = bucketOf(flowId, contactId, nodeId);
  let upTo = 0;
  for (const arm of split) {
    upTo += arm.percent;
    if (bucket < upTo) return arm.id;
  }
  return split[split.length - 1].id;
}

/** Whether a contact belongs to a flow's holdout group (deterministic, `holdoutPercent` of contacts). */
export function isHoldout(flowId: string, contactId: string, holdoutPercent: number): boolean {
  return bucketOf('holdout', flowId, contactId) < holdoutPercent;
}
