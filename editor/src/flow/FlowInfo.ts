import { createContext } from 'react';

/** The flow being edited: its id (experiment and layer figures) and name (the copy preview's `{{flow.name}}`). */
export const FlowInfo = createContext<{ id: string; name: string }>({ id: '', name: '' });
