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

// Every answer is typed by the zod view the API documents it with and the e2e specs parse it with (the core's `views/`).
import type {
  ApiKeyView as ApiKey,
  AuditEntryView as AuditEntry,
  MeView as Me,
  SessionView,
  UserView as User,
} from '@boomerang/engine/core/views/auth';
import type {
  ContactEventView as ContactEvent,
  ContactView as Contact,
  ImportProgress,
  WorkspaceSchema,
} from '@boomerang/engine/core/views/contacts';
import type {
  Estimate,
  FlowHistory,
  FlowStats,
  FlowSummary,
  FlowTemplateView as FlowTemplate,
  FlowView,
  PublishPreview,
  ServerValidation,
} from '@boomerang/engine/core/views/flows';
import type { JourneyView as Journey } from '@boomerang/engine/core/views/journeys';
import type { MessageView as Message } from '@boomerang/engine/core/views/messages';
import type { MetricsView as Metrics } from '@boomerang/engine/core/views/metrics';
import type { Page } from '@boomerang/engine/core/views/page';
import type { SimulationJob } from '@boomerang/engine/core/views/simulation';
import type { PreviewBody, TemplatePreview } from '@boomerang/engine/core/views/templates';
import type { FlowSettingsPatch } from '@boomerang/engine/core/schema';
import type { WorkspaceSettings } from '@boomerang/engine/core/settings';
import type { TopicView } from '@boomerang/engine/core/views/topics';
import type { JourneyState } from '@boomerang/engine/core/types';

export type {
  ApiKey,
  AuditEntry,
  Contact,
  ContactEvent,
  Estimate,
  FlowHistory,
  FlowStats,
  FlowSummary,
  FlowTemplate,
  FlowView,
  ImportProgress,
  Journey,
  JourneyState,
  Me,
  Message,
  Metrics,
  Page,
  PreviewBody,
  PublishPreview,
  ServerValidation,
  SimulationJob,
  TemplatePreview,
  TopicView,
  User,
  WorkspaceSchema,
  WorkspaceSettings,
};
export type { Permission } from '@boomerang/engine/core/views/auth';
export type { FlowStatus, GraphDiff } from '@boomerang/engine/core/views/flows';
export type { JourneyLogEntry } from '@boomerang/engine/core/views/journeys';
export type { SimulationReport } from '@boomerang/engine/core/views/simulation';
export { journeyStates } from '@boomerang/engine/core/types';

export const flowsApi = {
  list: () => api<Page<FlowSummary>>('GET', '/api/flows?limit=500'),
  get: (id: string) => api<FlowView>('GET', `/api/flows/${encodeURIComponent(id)}`),
  templates: () => api<{ items: FlowTemplate[] }>('GET', '/api/flow-templates'),
  create: (body: { name: string; templateId: string } | { name: string; graph: FlowGraphDocument }) =>
    api<FlowView>('POST', '/api/flows', body),
  update: (id: string, body: { name?: string; graph?: FlowGraphDocument; settings?: FlowSettingsPatch }) =>
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
  login: (email: string, password: string) => api<SessionView>('POST', '/api/auth/login', { email, password }),
  me: () => api<Me>('GET', '/api/auth/me'),
  logout: () => api<void>('POST', '/api/auth/logout'),
};

// ---------------------------------------------------------------------------------------------------- more of the API

let schemaPromise: Promise<WorkspaceSchema> | null = null;
export const schemaApi = {
  /** Fetched once per page load: suggestions need not be live. */
  get: (): Promise<WorkspaceSchema> =>
    (schemaPromise ??= api<WorkspaceSchema>('GET', '/api/schema').catch((e) => {
      schemaPromise = null;
      throw e;
    })),
};

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

const flowPath = (id: string, rest = '') => `/api/flows/${encodeURIComponent(id)}${rest}`;
export const publishingApi = {
  /** `settings` are not versioned: on an active flow they apply at once (and need the "operate" permission) */
  saveDraft: (id: string, body: { name?: string; graph?: FlowGraphDocument; settings?: FlowSettingsPatch; baseUpdatedAt?: string }) =>
    api<FlowView>('PUT', flowPath(id, '/draft'), body),
  preview: (id: string) => api<PublishPreview>('GET', flowPath(id, '/publish-preview')),
  publish: (id: string, migrate: 'move' | 'stay') => api<FlowView>('POST', flowPath(id, '/publish'), { migrate }),
  history: (id: string) => api<FlowHistory>('GET', flowPath(id, '/history')),
  revert: (id: string, version: number) => api<FlowView>('POST', flowPath(id, '/revert'), { version }),
  estimate: (id: string) => api<Estimate>('POST', flowPath(id, '/estimate')),
  stats: () => api<FlowStats>('GET', '/api/flow-stats'),
  version: (id: string, version: number) => api<FlowView>('GET', flowPath(id, `?version=${version}`)),
};

/** Subscription topics (`api/src/topics`): anyone signed in reads them, admins create and rename them. */
export const topicsApi = {
  list: () => api<{ items: TopicView[] }>('GET', '/api/topics'),
  save: (key: string, body: { name: string; description: string; defaultSubscribed: boolean }) =>
    api<TopicView>('PUT', `/api/topics/${encodeURIComponent(key)}`, body),
};

export const adminApi = {
  settings: () => api<WorkspaceSettings>('GET', '/api/settings'),
  saveSettings: (body: Partial<WorkspaceSettings>) => api<WorkspaceSettings>('PUT', '/api/settings', body),
  users: () => api<Page<User>>('GET', '/api/users'),
  createUser: (body: { email: string; password: string; role: User['role'] }) => api<User>('POST', '/api/users', body),
  updateUser: (id: string, body: { role?: User['role']; disabled?: boolean }) =>
    api<User>('PATCH', `/api/users/${encodeURIComponent(id)}`, body),
  keys: () => api<Page<ApiKey>>('GET', '/api/api-keys'),
  createKey: (body: { name: string; scopes: ApiKey['scopes'] }) => api<ApiKey>('POST', '/api/api-keys', body),
  revokeKey: (id: string) => api<void>('DELETE', `/api/api-keys/${encodeURIComponent(id)}`),
  audit: (filter: { entityType?: string; cursor?: string | null }) =>
    api<Page<AuditEntry>>('GET', `/api/audit${q({ entityType: filter.entityType, cursor: filter.cursor, limit: 100 })}`),
};

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

export const simulationApi = {
  start: (flowId: string, days: number) => api<SimulationJob>('POST', flowPath(flowId, '/simulate'), { days }),
  get: (flowId: string, jobId: string) => api<SimulationJob>('GET', flowPath(flowId, `/simulations/${encodeURIComponent(jobId)}`)),
};

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

export const templatesApi = {
  preview: (body: PreviewBody) => api<TemplatePreview>('POST', '/api/templates/preview', body),
};
