import type { ChannelKind } from '../../engine';

/** Each channel in the marketer's words. */
export const channelNames: Record<ChannelKind, string> = { email: 'Email', push: 'App push', sms: 'SMS', webhook: 'Webhook' };
