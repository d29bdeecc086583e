import { LayerBadge } from '../../insights/LayerBadge';
import type { EditorNodeKind } from '../types';
import { ConditionForm } from './ConditionForm';

export const conditionKind: EditorNodeKind<'condition'> = {
  Form: ConditionForm,
  icon: 'M12 2 22 12 12 22 2 12z',
  keyCount: (c) => ({ value: c.entered, words: 'in' }),
  ExitBadge: LayerBadge,
};
