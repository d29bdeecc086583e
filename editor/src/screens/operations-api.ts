/** `GET /api/health/details` for the Operations screen (kept out of api.ts: only this screen reads it). */
import type { OperationsView } from '@boomerang/engine/core/views/operations';
import { api } from '../api';

/** The answer's shape, from the one source the API checks its answers against. */
export type OperationsReport = OperationsView;
export type EngineProcess = OperationsView['engine']['processes'][number];

export const operationsApi = {
  details: () => api<OperationsReport>('GET', '/api/health/details'),
};
