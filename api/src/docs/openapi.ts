/**
 * The OpenAPI 3.1 document, generated from the same zod schemas that validate requests (z.toJSONSchema); the paths
 * table below is the only hand-written part. Changing a DTO changes the document.
 */
import { z } from 'zod';
import { updateSettingsBody, workspaceSettingsSchema } from '@boomerang/engine/core/settings';
import {
  apiKeyView,
  auditEntryView,
  meView,
  revokedSessionsView,
  sessionView,
  userView,
  type Permission,
} from '@boomerang/engine/core/views/auth';
import { batchResult, contactEventView, contactView, importProgressView, workspaceSchemaView } from '@boomerang/engine/core/views/contacts';
import {
  estimateView,
  flowHistoryView,
  flowStatsView,
  flowSummaryView,
  flowTemplatesView,
  flowView,
  publishPreviewView,
  validationView,
} from '@boomerang/engine/core/views/flows';
import { journeyView } from '@boomerang/engine/core/views/journeys';
import { messageView, receiptsAnswerView } from '@boomerang/engine/core/views/messages';
import { metricsView } from '@boomerang/engine/core/views/metrics';
import { experimentsView, pickWinnerBody } from '@boomerang/engine/core/views/experiments';
import { advanceView, clockView, healthView, operationsView } from '@boomerang/engine/core/views/operations';
import { pageView } from '@boomerang/engine/core/views/page';
import { simulationJobView } from '@boomerang/engine/core/views/simulation';
import { previewBody, previewView } from '@boomerang/engine/core/views/templates';
import { auditQuery } from '../audit/audit.dto';
import { createApiKeyBody, createUserBody, loginBody, updateUserBody } from '../auth/auth.dto';
import { contactBatch, eventBatch, listContactEventsQuery, listContactsQuery } from '../contacts/contacts.dto';
import { advanceBody } from '../engine/clock.dto';
import {
  createFlowBody,
  getFlowQuery,
  listFlowsQuery,
  publishFlowBody,
  revertFlowBody,
  updateFlowBody,
  validateFlowBody,
} from '../flows/flows.dto';
import { flowJourneysQuery } from '../journeys/journeys.dto';
import { messagesQuery } from '../messages/messages.dto';
import { metricsQuery } from '../metrics/metrics.dto';
import { receiptsBody } from '../providers/providers.dto';
import { updatePreferencesBody, upsertTopicBody } from '../topics/topics.dto';
import { preferencesView, topicView } from '@boomerang/engine/core/views/topics';
import { simulateBody } from '../simulation/simulation.dto';
import { segmentRoutes } from '../segment/segment-edge';
import { segmentMessage, type SegmentType } from '../segment/segment-mapping';
import { MAX_BATCH_MESSAGES } from '../segment/segment.service';

interface Operation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Segment's edge (`segment/segment-edge.ts`): its own credentials, the write key or the webhook's signature */
  segmentAuth?: 'writeKey' | 'signature';
  path: string;
  summary: string;
  /** who may call it; `public` needs no credentials */
  access: Permission | 'any' | 'public';
  body?: z.ZodType;
  /** a raw (not JSON) request body, e.g. text/csv */
  rawBody?: { type: string; description: string };
  query?: z.ZodObject;
  response?: z.ZodType;
  status?: number;
  tag: string;
}

const errorBody = z.object({
  statusCode: z.number().int(),
  message: z.string().describe('names the field: `graph.nodes[2].data.days: expected number, received string`'),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
const flowIdParam = { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };

// ------------------------------------------------------------------------------------------------ Segment (api/src/segment)

const writeKey = z.string().optional().describe('the write key, when not sent as HTTP Basic');
const segmentAnswer = z.object({
  success: z.boolean(),
  message: z.string().optional().describe('why the call was refused (400, 401, 429)'),
  accepted: z.number().int().optional(),
  rejected: z
    .array(z.object({ index: z.number().int(), error: z.string() }))
    .optional()
    .describe('per message of a batch'),
});
const segmentBatch = z.object({
  batch: z.array(segmentMessage).max(MAX_BATCH_MESSAGES),
  sentAt: z.string().optional().describe('the sender’s clock when it sent the batch (clock-skew correction)'),
  writeKey,
});

/** A single call's body: the message of the path's type (`type` may be left out). */
function segmentCall(type: SegmentType): z.ZodType {
  const member = segmentMessage.options.find((o) => o.shape.type.value === type) as z.ZodObject;
  return member.omit({ type: true }).extend({ type: z.literal(type).optional(), writeKey });
}

const segmentSummaries: Record<SegmentType | 'batch' | 'webhook', string> = {
  identify: 'Segment identify: the user’s traits become the contact’s attributes (userId → externalId)',
  track: 'Segment track: an event with its properties',
  page: 'Segment page: an event named "page"',
  screen: 'Segment screen: an event named "screen"',
  group: 'Segment group: attributes groupId and group',
  alias: 'Segment alias: merges previousId’s contact into userId’s',
  batch: `Segment batch: up to ${MAX_BATCH_MESSAGES} messages of any type, 500 KB; answers 200 with the rejected ones listed`,
  webhook: 'Segment’s Webhooks destination: one message, an array or {batch}, signed with X-Signature (SEGMENT_WEBHOOK_SECRET)',
};

const segmentOperations: Operation[] = segmentRoutes.map(({ path, kind }) => {
  const canonical = `/v1/${kind}`;
  const alias = path !== canonical ? ` (the same as ${canonical})` : '';
  return {
    tag: 'segment',
    method: 'post',
    path,
    summary: `${segmentSummaries[kind]}${alias}`,
    access: kind === 'webhook' ? 'public' : 'ingest',
    segmentAuth: kind === 'webhook' ? 'signature' : 'writeKey',
    body:
      kind === 'webhook'
        ? z.union([segmentMessage, z.array(segmentMessage), z.object({ batch: z.array(segmentMessage) })])
        : kind === 'batch'
          ? segmentBatch
          : segmentCall(kind),
    response: segmentAnswer,
  };
});

const operations: Operation[] = [
  {
    tag: 'health',
    method: 'get',
    path: '/api/health',
    summary: 'Liveness and database check → {status:"ok"}',
    access: 'public',
    response: healthView,
  },
  {
    tag: 'flows',
    method: 'post',
    path: '/api/flows',
    summary: 'Create a draft (version 1) from a graph or a template',
    access: 'design',
    body: createFlowBody,
    response: flowView,
    status: 201,
  },
  {
    tag: 'flows',
    method: 'get',
    path: '/api/flows',
    summary: 'List flows, newest first',
    access: 'read',
    query: listFlowsQuery,
    response: pageView(flowSummaryView),
  },
  {
    tag: 'flows',
    method: 'get',
    path: '/api/flows/{id}',
    summary: 'A flow with the graph of its current version (or ?version=N)',
    access: 'read',
    query: getFlowQuery,
    response: flowView,
  },
  {
    tag: 'flows',
    method: 'put',
    path: '/api/flows/{id}',
    summary:
      'Edit: a draft changes in place; an active or paused flow gets version N+1. On an active flow the new version (or new settings) goes live at once, which needs `operate` too (403 otherwise; editors save with PUT …/draft and an operator publishes)',
    access: 'design',
    body: updateFlowBody,
    response: flowView,
  },
  {
    tag: 'flows',
    method: 'post',
    path: '/api/flows/{id}/validate',
    summary: 'Validate the current version, or the graph in the body',
    access: 'read',
    body: validateFlowBody,
    response: validationView,
  },
  {
    tag: 'flows',
    method: 'post',
    path: '/api/flows/{id}/activate',
    summary: 'draft → active, or resume paused → active; 400 with the validation errors when invalid, 409 when not allowed',
    access: 'operate',
    response: flowView,
  },
  { tag: 'flows', method: 'post', path: '/api/flows/{id}/pause', summary: 'active → paused', access: 'operate', response: flowView },
  {
    tag: 'flows',
    method: 'post',
    path: '/api/flows/{id}/archive',
    summary: 'Archive for good; every live journey exits (logged)',
    access: 'operate',
    response: flowView,
  },
  {
    tag: 'flows',
    method: 'put',
    path: '/api/flows/{id}/draft',
    summary: 'Edit the draft: on an active flow a new version that is not live until published',
    access: 'design',
    body: updateFlowBody,
    response: flowView,
  },
  {
    tag: 'flows',
    method: 'get',
    path: '/api/flows/{id}/publish-preview',
    summary: 'What Publish would do: the diff from the live version and the journeys waiting per step',
    access: 'read',
    response: publishPreviewView,
  },
  {
    tag: 'flows',
    method: 'post',
    path: '/api/flows/{id}/publish',
    summary: 'Make the draft live; `migrate: "move"` moves waiting journeys to the same step of the new version, `"stay"` lets them finish',
    access: 'operate',
    body: publishFlowBody,
    response: flowView,
  },
  {
    tag: 'flows',
    method: 'get',
    path: '/api/flows/{id}/history',
    summary: 'Versions with who, when and what changed',
    access: 'read',
    response: flowHistoryView,
  },
  {
    tag: 'flows',
    method: 'post',
    path: '/api/flows/{id}/revert',
    summary: 'Copy an earlier version into the draft',
    access: 'design',
    body: revertFlowBody,
    response: flowView,
  },
  {
    tag: 'flows',
    method: 'post',
    path: '/api/flows/{id}/estimate',
    summary: 'How many contacts the current version’s trigger would enroll now (a count over the compiled trigger; writes nothing)',
    access: 'read',
    response: estimateView,
  },
  {
    tag: 'flows',
    method: 'delete',
    path: '/api/flows/{id}',
    summary: 'Delete a draft that was never activated (409 otherwise: archive it)',
    access: 'design',
    status: 204,
  },
  {
    tag: 'flows',
    method: 'get',
    path: '/api/flow-stats',
    summary: 'Per flow: journeys entered and converted in the last 7 days, journeys in progress',
    access: 'read',
    response: flowStatsView,
  },
  {
    tag: 'contacts',
    method: 'get',
    path: '/api/contacts',
    summary: 'Contacts newest first; `q` matches an externalId or e-mail prefix, phone digits, or `key=value` (PII masked for viewers)',
    access: 'read',
    query: listContactsQuery,
    response: pageView(contactView),
  },
  {
    tag: 'contacts',
    method: 'get',
    path: '/api/contacts/{externalId}/events',
    summary: 'A contact’s events, newest first',
    access: 'read',
    query: listContactEventsQuery,
    response: pageView(contactEventView),
  },
  {
    tag: 'contacts',
    method: 'get',
    path: '/api/schema',
    summary: 'Attribute keys with types and samples, event names with counts (editor suggestions)',
    access: 'read',
    response: workspaceSchemaView,
  },
  {
    tag: 'flows',
    method: 'get',
    path: '/api/flow-templates',
    summary: 'The default weekly check-in flow and the seed playbooks',
    access: 'read',
    response: flowTemplatesView,
  },
  {
    tag: 'contacts',
    method: 'post',
    path: '/api/contacts',
    summary: 'Upsert up to 10,000 contacts by externalId (attributes and consent MERGED; a null attribute removes the key)',
    access: 'ingest',
    body: contactBatch,
    response: batchResult,
  },
  {
    tag: 'contacts',
    method: 'get',
    path: '/api/contacts/{externalId}',
    summary: 'One contact (e-mail and phone masked for viewers)',
    access: 'read',
    response: contactView,
  },
  {
    tag: 'contacts',
    method: 'post',
    path: '/api/events',
    summary: 'Ingest up to 10,000 events; valid items are stored, the rest come back in `rejected`',
    access: 'ingest',
    body: eventBatch,
    response: batchResult,
  },
  {
    tag: 'journeys',
    method: 'get',
    path: '/api/contacts/{externalId}/journeys',
    summary: 'Every journey of a contact with its full log',
    access: 'read',
    response: pageView(journeyView),
  },
  {
    tag: 'journeys',
    method: 'get',
    path: '/api/flows/{id}/journeys',
    summary: 'A flow’s journeys, by state, node and version',
    access: 'read',
    query: flowJourneysQuery,
    response: pageView(journeyView),
  },
  {
    tag: 'journeys',
    method: 'get',
    path: '/api/journeys/{id}',
    summary: 'One journey with its full log',
    access: 'read',
    response: journeyView,
  },
  {
    tag: 'messages',
    method: 'get',
    path: '/api/messages',
    summary: 'Messages with delivery status (the sandbox inbox)',
    access: 'read',
    query: messagesQuery,
    response: pageView(messageView),
  },
  {
    tag: 'metrics',
    method: 'get',
    path: '/api/flows/{id}/metrics',
    summary: 'Recall funnel, retention, holdout lift, per-node counts',
    access: 'read',
    query: metricsQuery,
    response: metricsView,
  },
  {
    tag: 'metrics',
    method: 'get',
    path: '/api/flows/{id}/experiments',
    summary: 'Experiment splits of the live version: arms, the test’s verdict now, when the window closes, the winner',
    access: 'read',
    response: experimentsView,
  },
  {
    tag: 'flows',
    method: 'post',
    path: '/api/flows/{id}/experiments/{nodeId}/winner',
    summary: 'Pick an experiment’s winner by hand: a new live version routes new journeys to the arm (audited with the numbers)',
    access: 'operate',
    body: pickWinnerBody,
    response: flowView,
  },
  // issue 11: exports, simulator, CSV import
  {
    tag: 'metrics',
    method: 'get',
    path: '/api/flows/{id}/export/metrics.csv',
    summary: 'The metrics as CSV (scope,id,metric,value)',
    access: 'read',
    query: metricsQuery,
  },
  {
    tag: 'metrics',
    method: 'get',
    path: '/api/flows/{id}/export/journeys.csv',
    summary: 'Every journey of the flow as CSV (streamed)',
    access: 'read',
  },
  {
    tag: 'metrics',
    method: 'get',
    path: '/api/flows/{id}/export/messages.csv',
    summary: 'Every message of the flow as CSV (streamed)',
    access: 'read',
  },
  {
    tag: 'simulation',
    method: 'post',
    path: '/api/flows/{id}/simulate',
    summary: 'What-if run of the current version on a virtual clock, rolled back: 202 with a job; 409 while one runs',
    access: 'design',
    body: simulateBody,
    response: simulationJobView,
    status: 202,
  },
  {
    tag: 'simulation',
    method: 'get',
    path: '/api/flows/{id}/simulations/{jobId}',
    summary: 'Progress and, when done, the report of a simulation',
    access: 'read',
    response: simulationJobView,
  },
  {
    tag: 'imports',
    method: 'post',
    path: '/api/imports/{kind}',
    summary: 'CSV import of contacts or events (body text/csv, any size); answers NDJSON progress lines, the last with status done',
    access: 'ingest',
    rawBody: { type: 'text/csv', description: 'a header row (externalId, … or externalId,name,occurredAt,…) then one row per item' },
    response: importProgressView,
  },
  {
    tag: 'imports',
    method: 'get',
    path: '/api/imports/{id}',
    summary: 'Progress of an import',
    access: 'read',
    response: importProgressView,
  },
  {
    tag: 'imports',
    method: 'get',
    path: '/api/imports/{id}/rejected.csv',
    summary: 'Rejected rows with line numbers and reasons (line,reason)',
    access: 'read',
  },
  {
    tag: 'auth',
    method: 'post',
    path: '/api/auth/login',
    summary: 'Sign in → session token (Bearer) and HttpOnly cookie',
    access: 'public',
    body: loginBody,
    response: sessionView,
  },
  { tag: 'auth', method: 'post', path: '/api/auth/logout', summary: 'End the session', access: 'any', status: 204 },
  { tag: 'auth', method: 'get', path: '/api/auth/me', summary: 'The caller and its permissions', access: 'any', response: meView },
  {
    tag: 'auth',
    method: 'post',
    path: '/api/users',
    summary: 'Create an editor user (admin, editor or viewer)',
    access: 'admin',
    body: createUserBody,
    response: userView,
    status: 201,
  },
  { tag: 'auth', method: 'get', path: '/api/users', summary: 'List users', access: 'admin', response: pageView(userView) },
  {
    tag: 'auth',
    method: 'patch',
    path: '/api/users/{id}',
    summary: 'Change a user’s role, or disable / enable them (never the last admin)',
    access: 'admin',
    body: updateUserBody,
    response: userView,
  },
  {
    tag: 'auth',
    method: 'delete',
    path: '/api/users/{id}/sessions',
    summary: 'Sign a user out everywhere: every session of theirs ends at once (audited as user.sessions_revoked)',
    access: 'admin',
    response: revokedSessionsView,
  },
  {
    tag: 'auth',
    method: 'post',
    path: '/api/api-keys',
    summary: 'Create an API key (the plaintext is returned once)',
    access: 'admin',
    body: createApiKeyBody,
    response: apiKeyView,
    status: 201,
  },
  {
    tag: 'auth',
    method: 'get',
    path: '/api/api-keys',
    summary: 'List active API keys (prefixes only)',
    access: 'admin',
    response: pageView(apiKeyView),
  },
  { tag: 'auth', method: 'delete', path: '/api/api-keys/{id}', summary: 'Revoke an API key', access: 'admin', status: 204 },
  {
    tag: 'audit',
    method: 'get',
    path: '/api/audit',
    summary: 'The audit trail: who changed what, when',
    access: 'admin',
    query: auditQuery,
    response: pageView(auditEntryView),
  },
  {
    tag: 'settings',
    method: 'get',
    path: '/api/settings',
    summary: 'Workspace settings (defaults filled in)',
    access: 'read',
    response: workspaceSettingsSchema,
  },
  {
    tag: 'settings',
    method: 'put',
    path: '/api/settings',
    summary: 'Merge the given keys into the workspace settings',
    access: 'admin',
    body: updateSettingsBody,
    response: workspaceSettingsSchema,
  },
  {
    tag: 'templates',
    method: 'post',
    path: '/api/templates/preview',
    summary: 'Render copy for a contact (or a sample one): content, SMS segments and cost, missing variables',
    access: 'design',
    body: previewBody,
    response: previewView,
  },
  {
    tag: 'providers',
    method: 'post',
    path: '/api/providers/{channel}/status',
    summary:
      'Delivery receipt (delivered, bounced, failed) behind PROVIDER_STATUS_SECRET (X-Boomerang-Provider-Secret or basic auth); Twilio form callbacks accepted',
    access: 'public',
    body: receiptsBody,
    response: receiptsAnswerView,
  },
  {
    tag: 'operations',
    method: 'get',
    path: '/api/health/details',
    summary:
      'Operations: overdue journeys and messages, messages failed after retries, flows with slow enrollment, engine processes and their last tick',
    access: 'read',
    response: operationsView,
  },
  {
    tag: 'operations',
    method: 'get',
    path: '/metrics',
    summary: 'The same as Prometheus text, behind `Authorization: Bearer $METRICS_TOKEN` (unset → 401)',
    access: 'public',
  },
  {
    tag: 'clock',
    method: 'get',
    path: '/api/clock',
    summary: 'The engine clock: {now, kind} (system or virtual)',
    access: 'read',
    response: clockView,
  },
  {
    tag: 'clock',
    method: 'post',
    path: '/api/clock/advance',
    summary: 'CLOCK=virtual: play time forward by an ISO duration; every due step runs in order of due time (409 with the system clock)',
    access: 'operate',
    body: advanceBody,
    response: advanceView,
    status: 201,
  },
  { tag: 'docs', method: 'get', path: '/api/docs/openapi.json', summary: 'This document', access: 'public' },
  { tag: 'docs', method: 'get', path: '/api/docs', summary: 'A browsable page of this document (HTML)', access: 'public' },
  {
    tag: 'tracking',
    method: 'get',
    path: '/t/c/{id}',
    summary: 'Click: records clicked_at, 302 to the message’s stored url only (no open redirect; never this server)',
    access: 'public',
    status: 302,
  },
  { tag: 'tracking', method: 'get', path: '/t/o/{id}', summary: 'Open pixel: a 1×1 GIF, records opened_at', access: 'public' },
  {
    tag: 'tracking',
    method: 'get',
    path: '/t/u/{token}',
    summary:
      'Unsubscribe confirmation page in the contact’s locale (changes nothing); the signed token of the message: 403 when not valid, 410 when expired',
    access: 'public',
  },
  {
    tag: 'tracking',
    method: 'post',
    path: '/t/u/{token}',
    summary: 'Unsubscribe: RFC 8058 one-click (List-Unsubscribe=One-Click) or the page’s button; the channel’s consent becomes false',
    access: 'public',
  },
  // subscription topics (api/src/topics)
  {
    tag: 'topics',
    method: 'get',
    path: '/api/topics',
    summary: 'The workspace’s subscription topics',
    access: 'read',
    response: z.object({ items: z.array(topicView) }),
  },
  {
    tag: 'topics',
    method: 'put',
    path: '/api/topics/{key}',
    summary: 'Create or update a topic (opt-out: defaultSubscribed true; opt-in: false)',
    access: 'admin',
    body: upsertTopicBody,
    response: topicView,
  },
  {
    tag: 'topics',
    method: 'get',
    path: '/api/contacts/{externalId}/preferences',
    summary: 'A contact’s subscriptions, topic by topic and channel by channel',
    access: 'read',
    response: preferencesView,
  },
  {
    tag: 'topics',
    method: 'put',
    path: '/api/contacts/{externalId}/preferences',
    summary: 'Set a contact’s topic choices: `{"topics": {"offers": false, "news": {"email": true}}}`',
    access: 'ingest',
    body: updatePreferencesBody,
    response: preferencesView,
  },
  {
    tag: 'tracking',
    method: 'get',
    path: '/t/p/{token}',
    summary: 'The preference page `{{links.preferences}}` leads to, in the contact’s locale (changes nothing); 403 / 410 as /t/u',
    access: 'public',
  },
  {
    tag: 'tracking',
    method: 'post',
    path: '/t/p/{token}',
    summary: 'The preference page’s form: the topic boxes, or Leave everything (every topic and channel consent off)',
    access: 'public',
  },
  ...segmentOperations,
];

/** The documented answer of `method path` (an OpenAPI path, `/api/flows/{id}`); the e2e harness checks real answers with it. */
export function documentedResponse(method: string, path: string): z.ZodType | undefined {
  return operations.find((op) => op.method === method && op.path === path)?.response;
}

function schema(s: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const json = z.toJSONSchema(s, { io, unrepresentable: 'any', reused: 'inline' }) as Record<string, unknown>;
  delete json.$schema;
  return json;
}

function parameters(op: Operation): unknown[] {
  const params: unknown[] = [];
  for (const match of op.path.matchAll(/\{(\w+)\}/g)) {
    params.push(match[1] === 'id' ? flowIdParam : { name: match[1], in: 'path', required: true, schema: { type: 'string' } });
  }
  if (op.query) {
    const json = schema(op.query, 'input') as { properties?: Record<string, Record<string, unknown>>; required?: string[] };
    for (const [name, s] of Object.entries(json.properties ?? {})) {
      params.push({ name, in: 'query', required: json.required?.includes(name) ?? false, schema: s, description: s.description });
    }
  }
  return params;
}

function describeAccess(op: Operation): string {
  if (op.segmentAuth === 'writeKey')
    return 'Write key: an API key with the `ingest` permission, as HTTP Basic `base64(key + ":")` (what the SDKs send) or `writeKey` in the body. Permission: `ingest`.';
  if (op.segmentAuth === 'signature') return 'No credentials: `X-Signature` = hex HMAC-SHA1 of the body with SEGMENT_WEBHOOK_SECRET.';
  return op.access === 'public' ? 'No credentials needed.' : `Permission: \`${op.access}\`.`;
}

let cached: unknown;

export function openApiDocument(): unknown {
  if (cached) return cached;
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of operations) {
    const status = String(op.status ?? 200);
    const responses: Record<string, unknown> = {
      [status]: op.response
        ? { description: 'OK', content: { 'application/json': { schema: schema(op.response, 'output') } } }
        : { description: 'OK' },
    };
    if (op.body || op.query)
      responses['400'] = {
        description: 'Bad input; the message names the field',
        content: { 'application/json': { schema: schema(errorBody, 'output') } },
      };
    if (op.segmentAuth === 'signature') {
      responses['401'] = { description: 'X-Signature missing or wrong' };
      responses['404'] = { description: 'SEGMENT_WEBHOOK_SECRET is not set' };
    } else if (op.access !== 'public') {
      responses['401'] = { description: 'No or unknown credentials' };
      responses['403'] = { description: `Needs the "${op.access}" permission` };
    }
    if (op.segmentAuth) responses['429'] = { description: 'Over RATE_LIMIT_INGEST; Retry-After says when to try again' };
    paths[op.path] ??= {};
    paths[op.path][op.method] = {
      tags: [op.tag],
      summary: op.summary,
      description: describeAccess(op),
      ...(op.access === 'public' || op.segmentAuth ? { security: op.segmentAuth === 'writeKey' ? [{ segmentWriteKey: [] }] : [] } : {}),
      parameters: parameters(op),
      ...(op.body ? { requestBody: { required: true, content: { 'application/json': { schema: schema(op.body, 'input') } } } } : {}),
      ...(op.rawBody
        ? {
            requestBody: {
              required: true,
              description: op.rawBody.description,
              content: { [op.rawBody.type]: { schema: { type: 'string' } } },
            },
          }
        : {}),
      responses,
    };
  }
  cached = {
    openapi: '3.1.0',
    info: {
      title: 'Boomerang API',
      version: '0.1.0',
      description:
        'Win-back workflow automation. Authenticate with `Authorization: Bearer <API key or session token>`. ' +
        'Permissions: `read` (every role), `ingest` (ingest keys, editors, admins), `design` (editors, admins), ' +
        '`operate` and `admin` (admins and admin keys). Lists answer `{items, nextCursor}`.',
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer' },
        segmentWriteKey: { type: 'http', scheme: 'basic', description: 'Segment’s write key: the API key as the user name, no password' },
      },
    },
    paths,
  };
  return cached;
}
