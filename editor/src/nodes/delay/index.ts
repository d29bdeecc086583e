import type { EditorNodeKind } from '../types';
import { DelayForm } from './DelayForm';

export const delayKind: EditorNodeKind<'delay'> = {
  Form: DelayForm,
  icon: 'M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm1 5h-2v6l5 3 1-1.7-4-2.3z',
  keyCount: (c) => ({ value: c.waiting, words: 'waiting' }),
};
