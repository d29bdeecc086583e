import type { EditorNodeKind } from '../types';
import { ChannelForm } from './ChannelForm';

/** A message step (the core's `channel` type). */
export const channelKind: EditorNodeKind<'channel'> = {
  Form: ChannelForm,
  icon: 'M2 4h20v14H6l-4 4zm3 3v2h14V7zm0 4v2h10v-2z',
  keyCount: (c) => ({ value: c.sent, words: 'sent' }),
  sends: true,
};
