import type { EditorNodeKind } from '../types';
import { GoalForm } from './GoalForm';

export const goalKind: EditorNodeKind<'goal'> = {
  Form: GoalForm,
  icon: 'M5 2h2v20H5zm3 1h12l-3 4.5L20 12H8z',
  keyCount: (c) => ({ value: c.converted, words: 'converted' }),
  // a goal reached along a connection waits there for its event or rule (the attribution window unless `within`)
  summaryNote: (config, reachedByConnection) => (reachedByConnection && !config.within ? ', waits up to the attribution window' : ''),
  waitsFor: (config) => ('event' in config ? `“${config.event}”` : 'its rule to hold'),
};
