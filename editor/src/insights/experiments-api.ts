/** The experiments routes (issue 24) on the editor's API client. */
import { api } from '../api';
import type { FlowView } from '@boomerang/engine/core/views/flows';
import type { ExperimentsView } from '@boomerang/engine/core/views/experiments';

export type { ExperimentView } from '@boomerang/engine/core/views/experiments';

const flowPath = (id: string, rest: string) => `/api/flows/${encodeURIComponent(id)}${rest}`;

export const experimentsApi = {
  list: (flowId: string) => api<ExperimentsView>('GET', flowPath(flowId, '/experiments')),
  /** The marketer's pick: the arm becomes the winner as a new live version. */
  pick: (flowId: string, nodeId: string, arm: string) =>
    api<FlowView>('POST', flowPath(flowId, `/experiments/${encodeURIComponent(nodeId)}/winner`), { arm }),
};
