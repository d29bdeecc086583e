/** The API client: JSON over fetch with the session token (or a pasted API key) from sessionStorage. */
import type { FlowGraphDocument, ValidationIssue } from './engine';

const TOKEN_KEY = 'boomerang.token';

export const session = {
  token: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  set(token: string) {
    sessionStorage.setItem(TOKEN_KEY, token);
  },
  clear() {
    sessionStorage.removeItem(TOKEN_KEY);
  },
};

/** A non-2xx answer; `message` is the API's own (it names the field or node), `errors` when the API lists them. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors: ValidationIssue[] = [],
  ) {
    super(message);
  }
}

type Listener = () => void;
const unauthorized = new Set<Listener>();
export function onUnauthorized(listener: Listener): () => void {
  unauthorized.add(listener);
  return () => unauthorized.delete(listener);
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  const token = session.token();
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'omit' });
  const text = await res.text();
  const json = text ? safeJson(text) : undefined;
  if (!res.ok) {
    if (res.status === 401 && token) unauthorized.forEach((l) => l());
    const payload = (json ?? {}) as { message?: unknown; errors?: ValidationIssue[] };
    const message = Array.isArray(payload.message)
      ? payload.message.join('; ')
      : typeof payload.message === 'string'
        ? payload.message
        : `${res.status} ${res.statusText}`;
    throw new ApiError(res.status, message, Array.isArray(payload.errors) ? payload.errors : []);
  }
  return json as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { message: text.slice(0, 300) };
  }
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

// ---------------------------------------------------------------------------------------------------- shapes

export type FlowStatus = 'draft' | 'active' | 'paused' | 'archived';
export type Permission = 'read' | 'ingest' | 'design' | 'operate' | 'admin';

export interface Me {
  kind: 'user' | 'key';
  id: string;
  email?: string;
  role?: string;
  prefix?: string;
  permissions: Permission[];
}

export interface FlowSummary {
  id: string;
  name: string;
  status: FlowStatus;
  version: number;
  liveVersion: number | null;
  settings: { holdoutPercent: number };
  createdAt: string;
  updatedAt: string;
  activatedAt: string | null;
}

export interface FlowView extends FlowSummary {
  graph: FlowGraphDocument;
  graphVersion: number;
  frozen: boolean;
  versions: { version: number; createdAt: string; frozenAt: string | null }[];
}

export interface FlowTemplate {
  id: string;
  name: string;
  description: string;
  graph: FlowGraphDocument;
}

export interface ServerValidation {
  valid: boolean;
  errors: ValidationIssue[];
  warnings: ValidationIssue[];
}

export type JourneyState = 'waiting' | 'running' | 'completed' | 'converted' | 'exited' | 'failed';
export const journeyStates: JourneyState[] = ['waiting', 'running', 'completed', 'converted', 'exited', 'failed'];

export interface JourneyLogEntry {
  at: string;
  nodeId: string;
  kind: string;
  detail: Record<string, unknown>;
  delivery?: { status: string; sentAt: string | null; deliveredAt: string | null; openedAt: string | null; clickedAt: string | null; lastError: string | null };
}

export interface Journey {
  id: string;
  flowId: string;
  flowName: string;
  version: number;
  externalId: string;
  state: JourneyState;
  holdout: boolean;
  currentNodeId: string;
  enteredAt: string;
  nextRunAt: string | null;
  endedAt: string | null;
  log?: JourneyLogEntry[];
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface Metrics {
  entered: number;
  sent: number;
  delivered: number;
  clicked: number;
  returned: number;
  converted: number;
  reachRate: number | null;
  clickRate: number | null;
  returnRate: number | null;
  retention: (number | null)[];
  holdout: { size: number; converted: number };
  lift: number | null;
  attributionWindow: string;
  messages?: { total: number; queued: number; sent: number; delivered: number; failed: number; opened: number; clicked: number; unsubscribed: number; costCents: number };
  nodes: Record<string, { entered: number; journeys: number; waiting: number; converted: number; sent: number; delivered: number; clicked: number }>;
}

export const flowsApi = {
  list: () => api<Page<FlowSummary>>('GET', '/api/flows?limit=500'),
  get: (id: string) => api<FlowView>('GET', `/api/flows/${encodeURIComponent(id)}`),
  templates: () => api<{ items: FlowTemplate[] }>('GET', '/api/flow-templates'),
  create: (body: { name: string; templateId: string } | { name: string; graph: FlowGraphDocument }) => api<FlowView>('POST', '/api/flows', body),
  update: (id: string, body: { name?: string; graph?: FlowGraphDocument }) => api<FlowView>('PUT', `/api/flows/${encodeURIComponent(id)}`, body),
  validate: (id: string, graph: FlowGraphDocument) => api<ServerValidation>('POST', `/api/flows/${encodeURIComponent(id)}/validate`, { graph }),
  transition: (id: string, action: 'activate' | 'pause' | 'archive') => api<FlowView>('POST', `/api/flows/${encodeURIComponent(id)}/${action}`),
  journeys: (id: string, state?: JourneyState) =>
    api<Page<Journey>>('GET', `/api/flows/${encodeURIComponent(id)}/journeys?limit=200${state ? `&state=${state}` : ''}`),
  metrics: (id: string) => api<Metrics>('GET', `/api/flows/${encodeURIComponent(id)}/metrics`),
};

export const contactJourneys = (externalId: string) =>
  api<Page<Journey>>('GET', `/api/contacts/${encodeURIComponent(externalId)}/journeys`);

export const authApi = {
  login: (email: string, password: string) => api<{ token: string; expiresAt: string }>('POST', '/api/auth/login', { email, password }),
  me: () => api<Me>('GET', '/api/auth/me'),
  logout: () => api<void>('POST', '/api/auth/logout'),
};
