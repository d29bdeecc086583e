import type { EditorNodeKind } from '../types';
import { TriggerForm } from './TriggerForm';

export const triggerKind: EditorNodeKind<'trigger'> = {
  Form: TriggerForm,
  icon: 'M13 2 4 14h7l-1 8 9-12h-7z',
  keyCount: (c) => ({ value: c.entered, words: 'in' }),
};
