import type { ChannelKind } from '../schema';

export interface ChannelSkip {
  channel: ChannelKind;
  reason: 'no_consent' | 'no_address' | 'unsubscribed';
  detail: string;
}

export type ChannelChoice = { channel: ChannelKind; reasons: ChannelSkip[] } | { channel: null; reasons: ChannelSkip[] };

/** The attribute holding each channel's address (DESIGN "Contract details"); webhook needs none. */
export const channelAddressAttribute: Record<ChannelKind, string | null> = {
  email: 'email',
  push: 'pushToken',
  sms: 'phone',
  webhook: null,
};

/**
 * Consent policy (decided): sms needs an explicit `true` (it costs money and feels intrusive); email and push are
 * allowed unless consent is explicitly `false` (an unsubscribe sets it false); webhooks are system calls, always allowed.
 */
export function hasConsent(channel: ChannelKind, consent: Partial<Record<ChannelKind, boolean>>): boolean {
  switch (channel) {
    case 'sms':
      return consent.sms === true;
    case 'email':
    case 'push':
      return consent[channel] !== false;
    case 'webhook':
      return true;
  }
}

/** The contact attribute holding a browser's Web Push subscription (`PushSubscription.toJSON()`): a push address too. */
export const webPushAttribute = 'webPush';

export function addressOf(channel: ChannelKind, attributes: Record<string, unknown>): string | null {
  const key = channelAddressAttribute[channel];
  if (key === null) return '';
  const v = attributes[key];
  if (typeof v === 'string' && v.trim() !== '') return v;
  if (channel === 'push') {
    const sub = attributes[webPushAttribute] as { endpoint?: unknown } | undefined;
    if (sub && typeof sub === 'object' && typeof sub.endpoint === 'string' && sub.endpoint !== '') return sub.endpoint;
  }
  return null;
}

/** The first of primary, then fallbacks in order, that has consent and an address; else null with every reason. */
export function chooseChannel(
  primary: ChannelKind,
  fallback: readonly ChannelKind[] | undefined,
  consent: Partial<Record<ChannelKind, boolean>>,
  attributes: Record<string, unknown>,
  /** the node's subscription topic, when it has one: a channel the contact left the topic on is skipped */
  topic?: { key: string; allows: (channel: ChannelKind) => boolean },
): ChannelChoice {
  const reasons: ChannelSkip[] = [];
  const candidates = [primary, ...(fallback ?? [])].filter((c, i, all) => all.indexOf(c) === i);
  for (const channel of candidates) {
    if (!hasConsent(channel, consent ?? {})) {
      reasons.push({ channel, reason: 'no_consent', detail: `${channel} consent is ${consent?.[channel] ?? 'missing'}` });
      continue;
    }
    if (addressOf(channel, attributes ?? {}) === null) {
      reasons.push({
        channel,
        reason: 'no_address',
        detail: `attribute ${channelAddressAttribute[channel]}${channel === 'push' ? ` (or ${webPushAttribute})` : ''} is empty`,
      });
      continue;
    }
    if (topic && !topic.allows(channel)) {
      reasons.push({ channel, reason: 'unsubscribed', detail: `the contact left the topic "${topic.key}" on ${channel}` });
      continue;
    }
    return { channel, reasons };
  }
  return { channel: null, reasons };
}
