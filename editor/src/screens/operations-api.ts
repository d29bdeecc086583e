/** `GET /api/health/details` for the Operations screen (kept out of api.ts: only this screen reads it). */
import { api } from '../api';

export interface EngineProcess {
  id: string;
  hostname: string;
  pid: number;
  startedAt: string;
  seenAt: string;
  /** engine clock time of its last tick */
  lastTickAt: string | null;
  ticks: number;
  lastTickMs: number | null;
  lastError: string | null;
  /** wall-clock seconds since its last heartbeat, written by its ticks (at most every 5 s) */
  secondsSinceSeen: number;
  alive: boolean;
}

export interface OperationsReport {
  now: string;
  overdueAfterSeconds: number;
  journeys: { overdue: number };
  messages: { overdue: number; failedAfterRetries: number; failedAfterRetriesLastDay: number };
  enrollment: { slowFlows: number; flows: { flowId: string; name: string; waiting: number; oldestReceivedAt: string }[] };
  engine: { alive: number; aliveAfterSeconds: number; processes: EngineProcess[] };
}

export const operationsApi = {
  details: () => api<OperationsReport>('GET', '/api/health/details'),
};
