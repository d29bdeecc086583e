/**
 * Escalation without wiring (`escalate: {after, unless, to}` on a channel node): when a message was not clicked (or
 * opened) `after` it went, the same copy goes on the next channel of `to`. Hop 1 follows the node's message, hop 2
 * follows hop 1, and so on. Two small decisions, pure; the dispatcher does the I/O (`runtime/escalation.ts`).
 */
import { chooseChannel, type ChannelSkip } from './guardrails/choose-channel';
import type { ChannelKind, Escalate } from './schema';
import type { JourneyState } from './types';

export interface EscalationHop {
  /** 1-based hop number: the index in `to` plus one */
  hop: number;
  channel: ChannelKind;
  /** channels of `to` passed over on the way (no consent, no address) */
  skipped: ChannelSkip[];
}

/**
 * The hop after `afterHop` (0 = after the node's own message): the first channel of `to` from there on that the
 * contact can receive, or null when none is left.
 */
export function nextEscalationHop(
  escalate: Escalate,
  afterHop: number,
  consent: Partial<Record<ChannelKind, boolean>>,
  attributes: Record<string, unknown>,
): EscalationHop | null {
  const skipped: ChannelSkip[] = [];
  for (let i = afterHop; i < escalate.to.length; i++) {
    const choice = chooseChannel(escalate.to[i], [], consent, attributes);
    if (choice.channel) return { hop: i + 1, channel: choice.channel, skipped: [...skipped, ...choice.reasons] };
    skipped.push(...choice.reasons);
  }
  return null;
}

export type EscalationVerdict = { go: true } | { go: false; reason: 'clicked' | 'opened' | 'journey_ended' };

/**
 * At a hop's due time: go unless the contact already did what `unless` names on any message of the chain (a click
 * counts as an open), or the journey converted or exited (the contact is back: no more chasing).
 */
export function escalationVerdict(
  unless: Escalate['unless'],
  chain: { clicked: boolean; opened: boolean },
  journeyState: JourneyState,
): EscalationVerdict {
  if (chain.clicked) return { go: false, reason: 'clicked' };
  if (unless === 'opened' && chain.opened) return { go: false, reason: 'opened' };
  if (journeyState === 'converted' || journeyState === 'exited') return { go: false, reason: 'journey_ended' };
  return { go: true };
}
