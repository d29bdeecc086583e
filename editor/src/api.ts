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
  delivery?: {
    status: string;
    sentAt: string | null;
    deliveredAt: string | null;
    openedAt: string | null;
    clickedAt: string | null;
    lastError: string | null;
  };
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

/** `GET /api/flows/:id/metrics`, typed by the API's own zod schema. */
export type Metrics = import('zod').infer<typeof import('../../api/src/metrics/metrics.dto').metricsView>;

export const flowsApi = {
  list: () => api<Page<FlowSummary>>('GET', '/api/flows?limit=500'),
  get: (id: string) => api<FlowView>('GET', `/api/flows/${encodeURIComponent(id)}`),
  templates: () => api<{ items: FlowTemplate[] }>('GET', '/api/flow-templates'),
  create: (body: { name: string; templateId: string } | { name: string; graph: FlowGraphDocument }) =>
    api<FlowView>('POST', '/api/flows', body),
  update: (id: string, body: { name?: string; graph?: FlowGraphDocument }) =>
    api<FlowView>('PUT', `/api/flows/${encodeURIComponent(id)}`, body),
  validate: (id: string, graph: FlowGraphDocument) =>
    api<ServerValidation>('POST', `/api/flows/${encodeURIComponent(id)}/validate`, { graph }),
  remove: (id: string) => api<void>('DELETE', `/api/flows/${encodeURIComponent(id)}`),
  transition: (id: string, action: 'activate' | 'pause' | 'archive') =>
    api<FlowView>('POST', `/api/flows/${encodeURIComponent(id)}/${action}`),
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

// ---------------------------------------------------------------------------------------------------- more of the API

/** `GET /api/schema`, typed by the API's own zod schema. */
export type WorkspaceSchema = import('../../api/src/schema/schema.dto').WorkspaceSchema;

let schemaPromise: Promise<WorkspaceSchema> | null = null;
export const schemaApi = {
  /** Fetched once per page load: suggestions need not be live. */
  get: (): Promise<WorkspaceSchema> =>
    (schemaPromise ??= api<WorkspaceSchema>('GET', '/api/schema').catch((e) => {
      schemaPromise = null;
      throw e;
    })),
};

export interface Contact {
  externalId: string;
  timezone: string;
  consent: Partial<Record<'email' | 'push' | 'sms' | 'webhook', boolean>>;
  attributes: Record<string, unknown>;
  lastActiveAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface ContactEvent {
  id: string;
  name: string;
  occurredAt: string;
  receivedAt: string;
  isActivity: boolean;
  properties: Record<string, unknown>;
}

/** A sent (or queued) message, typed by the API's own zod schema. */
export type Message = import('zod').infer<typeof import('../../api/src/messages/messages.dto').messageView>;

const q = (params: Record<string, string | number | undefined | null>) => {
  const s = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') s.set(k, String(v));
  const text = s.toString();
  return text ? `?${text}` : '';
};

export const contactsApi = {
  list: (search: string, cursor?: string | null) => api<Page<Contact>>('GET', `/api/contacts${q({ q: search, cursor, limit: 50 })}`),
  get: (externalId: string) => api<Contact>('GET', `/api/contacts/${encodeURIComponent(externalId)}`),
  events: (externalId: string) => api<Page<ContactEvent>>('GET', `/api/contacts/${encodeURIComponent(externalId)}/events?limit=100`),
};

export const messagesApi = {
  list: (filter: { externalId?: string; flowId?: string; channel?: string; cursor?: string | null }) =>
    api<Page<Message>>(
      'GET',
      `/api/messages${q({ externalId: filter.externalId, flowId: filter.flowId, channel: filter.channel, cursor: filter.cursor, limit: 100 })}`,
    ),
};

export type { GraphDiff } from '@boomerang/engine/core/graph-diff';
import type { GraphDiff } from '@boomerang/engine/core/graph-diff';

export interface PublishPreview {
  status: FlowStatus;
  liveVersion: number | null;
  draftVersion: number | null;
  pending: boolean;
  diff: GraphDiff;
  validation: ServerValidation;
  waiting: { version: number; nodeId: string; count: number; inDraft: boolean; changed: boolean }[];
  totals: { waiting: number; atChangedSteps: number; atRemovedSteps: number };
}

export interface FlowHistory {
  liveVersion: number | null;
  currentVersion: number;
  versions: {
    version: number;
    createdAt: string;
    frozenAt: string | null;
    live: boolean;
    current: boolean;
    by: string | null;
    changes: GraphDiff | null;
    events: { at: string; actor: string; action: string }[];
  }[];
}

export interface Estimate {
  count: number | null;
  reason: string | null;
  kind: string | null;
}

export interface FlowStats {
  since: string;
  items: { flowId: string; entered: number; live: number; converted: number }[];
}

const flowPath = (id: string, rest = '') => `/api/flows/${encodeURIComponent(id)}${rest}`;
export const publishingApi = {
  saveDraft: (id: string, body: { name?: string; graph?: FlowGraphDocument }) => api<FlowView>('PUT', flowPath(id, '/draft'), body),
  preview: (id: string) => api<PublishPreview>('GET', flowPath(id, '/publish-preview')),
  publish: (id: string, migrate: 'move' | 'stay') => api<FlowView>('POST', flowPath(id, '/publish'), { migrate }),
  history: (id: string) => api<FlowHistory>('GET', flowPath(id, '/history')),
  revert: (id: string, version: number) => api<FlowView>('POST', flowPath(id, '/revert'), { version }),
  estimate: (id: string) => api<Estimate>('POST', flowPath(id, '/estimate')),
  stats: () => api<FlowStats>('GET', '/api/flow-stats'),
  version: (id: string, version: number) => api<FlowView>('GET', flowPath(id, `?version=${version}`)),
};

export interface WorkspaceSettings {
  nonActivityEvents: string[];
  createContactsOnEvent: boolean;
  activity: { minDays: number; windowDays: number };
  quietHours: { start: string; end: string } | null;
  frequencyCaps: { channel: 'email' | 'push' | 'sms' | 'webhook' | 'all'; max: number; per: string }[];
  attributionWindow: string;
}

export interface User {
  id: string;
  email: string;
  role: 'admin' | 'editor' | 'viewer';
  createdAt: string;
  disabled?: boolean;
}

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  scopes: ('admin' | 'ingest')[];
  createdAt: string;
  lastUsedAt?: string | null;
  revokedAt?: string | null;
  key?: string;
}

export interface AuditEntry {
  id: string;
  at: string;
  actor: string;
  action: string;
  entityType: string;
  entityId: string | null;
  detail: Record<string, unknown>;
}

export const adminApi = {
  settings: () => api<WorkspaceSettings>('GET', '/api/settings'),
  saveSettings: (body: Partial<WorkspaceSettings>) => api<WorkspaceSettings>('PUT', '/api/settings', body),
  users: () => api<{ items: User[] } | User[]>('GET', '/api/users'),
  createUser: (body: { email: string; password: string; role: User['role'] }) => api<User>('POST', '/api/users', body),
  updateUser: (id: string, body: { role?: User['role']; disabled?: boolean }) =>
    api<User>('PATCH', `/api/users/${encodeURIComponent(id)}`, body),
  keys: () => api<{ items: ApiKey[] } | ApiKey[]>('GET', '/api/api-keys'),
  createKey: (body: { name: string; scopes: ApiKey['scopes'] }) => api<ApiKey>('POST', '/api/api-keys', body),
  revokeKey: (id: string) => api<void>('DELETE', `/api/api-keys/${encodeURIComponent(id)}`),
  audit: (filter: { entityType?: string; cursor?: string | null }) =>
    api<Page<AuditEntry>>('GET', `/api/audit${q({ entityType: filter.entityType, cursor: filter.cursor, limit: 100 })}`),
};

/** Lists come as `{items}` (or a bare array from older routes). */
export function itemsOf<T>(value: { items: T[] } | T[]): T[] {
  return Array.isArray(value) ? value : value.items;
}

// ---------------------------------------------------------------------------------------------------- exports, simulator, imports, preview

/** Fetches an authenticated file (CSV export, rejected rows) and hands it to the browser as a download. */
export async function download(path: string, filename: string): Promise<void> {
  const token = session.token();
  const res = await fetch(path, { headers: token ? { Authorization: `Bearer ${token}` } : {}, credentials: 'omit' });
  if (!res.ok) throw new ApiError(res.status, `Download failed: ${res.status} ${res.statusText}`);
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export type ExportKind = 'metrics' | 'journeys' | 'messages';
export const exportPath = (flowId: string, kind: ExportKind) => flowPath(flowId, `/export/${kind}.csv`);

/** A simulation job (`POST …/simulate`, `GET …/simulations/:jobId`), typed by the API's zod schema. */
export type SimulationJob = import('zod').infer<typeof import('../../api/src/simulation/simulation.dto').simulationJobView>;
export type SimulationReport = NonNullable<SimulationJob['report']>;

export const simulationApi = {
  start: (flowId: string, days: number) => api<SimulationJob>('POST', flowPath(flowId, '/simulate'), { days }),
  get: (flowId: string, jobId: string) => api<SimulationJob>('GET', flowPath(flowId, `/simulations/${encodeURIComponent(jobId)}`)),
};

/** One NDJSON progress line of a CSV import. */
export type ImportProgress = import('zod').infer<typeof import('../../api/src/imports/imports.dto').importProgressView>;
export type ImportKind = ImportProgress['kind'];

export const importsApi = {
  /**
   * Uploads a CSV file and reads the NDJSON progress stream line by line (fetch + a reader), calling `onProgress`
   * with each line; resolves with the last one.
   */
  async upload(kind: ImportKind, file: Blob, onProgress: (p: ImportProgress) => void): Promise<ImportProgress> {
    const token = session.token();
    const headers: Record<string, string> = { 'Content-Type': 'text/csv', Accept: 'application/x-ndjson' };
    if (token) headers.Authorization = `Bearer ${token}`;
    const res = await fetch(`/api/imports/${kind}`, { method: 'POST', headers, body: file, credentials: 'omit' });
    if (!res.ok || !res.body) {
      const text = await res.text();
      const payload = (safeJson(text) ?? {}) as { message?: unknown };
      throw new ApiError(res.status, typeof payload.message === 'string' ? payload.message : `${res.status} ${res.statusText}`);
    }
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    let last: ImportProgress | null = null;
    const take = (line: string) => {
      if (!line.trim()) return;
      last = JSON.parse(line) as ImportProgress;
      onProgress(last);
    };
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      lines.forEach(take);
    }
    take(buffer);
    if (!last) throw new ApiError(500, 'The import answered nothing.');
    return last;
  },
  get: (id: string) => api<ImportProgress>('GET', `/api/imports/${encodeURIComponent(id)}`),
  rejectedPath: (id: string) => `/api/imports/${encodeURIComponent(id)}/rejected.csv`,
};

export type PreviewBody = import('zod').infer<typeof import('../../api/src/templates/templates.dto').previewBody>;
export type TemplatePreview = import('zod').infer<typeof import('../../api/src/templates/templates.dto').previewView>;
export const templatesApi = {
  preview: (body: PreviewBody) => api<TemplatePreview>('POST', '/api/templates/preview', body),
};
