/**
 * Every environment variable Boomerang reads, validated once at boot (STYLE.md §9).
 * A bad value stops start-up with a message that names the variable.
 */
import { z } from 'zod';
import { validate as validateCron } from 'node-cron';
import { parseAllowedNetworks } from '@boomerang/engine/core/destination';
import { passwordProblem } from './auth/password-policy';
import { parseSendRateLimits } from '@boomerang/engine/core/rate-limits';

const onOff = z.enum(['on', 'off']);

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000).describe('HTTP port'),
  HOST: z.string().min(1).default('0.0.0.0').describe('interface the HTTP server binds'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional()
    .describe('PostgreSQL; unset → embedded PostgreSQL in DATA_DIR'),
  DATA_DIR: z.string().min(1).default('.boomerang').describe('embedded database and local files'),
  API_KEY: z.string().min(16, 'must be at least 16 characters').optional().describe('admin API key'),
  CLOCK: z.enum(['system', 'virtual']).default('system').describe('engine clock'),
  TICK_CRON: z
    .string()
    .default('*/10 * * * * *')
    .refine((expr) => validateCron(expr), 'is not a valid cron expression')
    .describe('node-cron expression of the engine tick'),
  ENGINE: onOff.default('on').describe('host the engine in this process'),
  ENGINE_BATCH_SIZE: z.coerce.number().int().min(1).max(100_000).default(500).describe('journeys claimed per batch'),
  DEMO: onOff.optional().describe('seed the demo workspace into an empty database'),
  DEMO_TRAFFIC: onOff
    .optional()
    .describe(
      'keep generating synthetic behaviour through the ingestion path; only ever in a workspace seeded as the demo (default: on when DEMO is on)',
    ),
  ADMIN_EMAIL: z.string().email().default('admin@localhost').describe('first editor user'),
  ADMIN_PASSWORD: z
    .string()
    .superRefine((password, ctx) => {
      const problem = passwordProblem(password);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .optional()
    .describe('first editor user password (at least 12 characters, not a common one)'),
  PUBLIC_URL: z.string().url().optional().describe('base of tracking links'),
  LINK_SECRET: z
    .string()
    .min(32, 'must be at least 32 characters')
    .optional()
    .describe('HMAC key of the signed unsubscribe and preference links; unset → a key generated once into the database'),
  LINK_TTL_DAYS: z.coerce
    .number()
    .int()
    .min(30, 'must be at least 30 (an unsubscribe link must keep working for 30 days)')
    .max(3650)
    .default(365)
    .describe('days an unsubscribe or preference link works after its message was queued'),
  // ---- channels (issue 10): each channel is live when its variables are set, else the sandbox
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must be an smtp:// URL')
    .optional()
    .describe('email over SMTP: smtp://user:pass@host:port'),
  SMTP_FROM: z.string().optional().describe('From header of emails, e.g. "Shop <hello@shop.example>"'),
  SMTP_POOL_SIZE: z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .default(5)
    .describe('pooled SMTP connections; a relay that accepts more parallel sessions sends faster'),
  PUSH_URL: z.string().url().optional().describe('FCM HTTP v1 messages:send URL'),
  PUSH_TOKEN: z.string().optional().describe('OAuth bearer token for PUSH_URL'),
  VAPID_PUBLIC_KEY: z.string().optional().describe('Web Push VAPID public key (npx web-push generate-vapid-keys)'),
  VAPID_PRIVATE_KEY: z.string().optional().describe('Web Push VAPID private key'),
  VAPID_SUBJECT: z
    .string()
    .regex(/^(mailto:|https:\/\/)/, 'must be a mailto: or https:// URL')
    .optional()
    .describe('Web Push VAPID subject'),
  SMS_URL: z.string().url().optional().describe('Twilio-style SMS endpoint (form POST)'),
  SMS_ACCOUNT: z.string().optional().describe('SMS basic-auth user (account SID)'),
  SMS_TOKEN: z.string().optional().describe('SMS basic-auth password (auth token)'),
  SMS_FROM: z.string().optional().describe('SMS sender number or id'),
  WEBHOOK_SECRET: z.string().min(16).optional().describe('HMAC-SHA256 key of X-Boomerang-Signature; unset → generated into DATA_DIR'),
  WEBHOOK_ALLOW_NETWORKS: z
    .string()
    .default('')
    .superRefine((v, ctx) => {
      try {
        parseAllowedNetworks(v);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
      }
    })
    .transform((v) =>
      v
        .split(',')
        .map((n) => n.trim())
        .filter(Boolean),
    )
    .describe(
      'comma-separated CIDRs webhook URLs and Web Push endpoints may reach besides public addresses (loopback, private, link-local… are refused otherwise)',
    ),
  CLICK_ALLOWED_HOSTS: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((h) => h.trim().toLowerCase())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().regex(/^(\*\.)?[a-z0-9.-]+$/, 'must be host names like shop.example or *.shop.example, comma-separated')))
    .describe(
      'hosts a tracked click may redirect to when the url host came from a contact attribute (the template literal host always may)',
    ),
  PROVIDER_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000).describe('provider request timeout'),
  PROVIDER_STATUS_SECRET: z
    .string()
    .min(16, 'must be at least 16 characters')
    .optional()
    .describe('shared secret of POST /api/providers/:channel/status (delivery receipts); unset → receipts refused'),
  LOG_LEVEL: z.enum(['error', 'warn', 'log', 'debug']).default('log'),
  // ---- security (issue 13)
  CORS_ORIGINS: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().regex(/^https?:\/\/[^/]+$/, 'must be origins like https://app.example.com, comma-separated')))
    .describe('origins allowed to call the API from a browser (CORS); unset → none'),
  RATE_LIMIT_LOGIN: z.coerce
    .number()
    .int()
    .min(0)
    .default(10)
    .describe('sign-in attempts per minute per client address and per account; 0 = off'),
  TRUST_PROXY: z
    .string()
    .regex(
      /^(\d{1,2}|((loopback|linklocal|uniquelocal|[0-9a-fA-F.:]+(\/\d{1,3})?)\s*,?\s*)+)$/,
      'must be a number of proxy hops or comma-separated proxy addresses/CIDRs (loopback, linklocal, uniquelocal)',
    )
    .optional()
    .transform((v) => (v === undefined ? undefined : /^\d+$/.test(v) ? Number(v) : v))
    .describe('the reverse proxies in front of the API (Express "trust proxy"): hops or addresses; unset → none trusted'),
  API_STATEMENT_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(100)
    .max(600_000)
    .default(5000)
    .describe('statement_timeout of the queries a request shapes (flow estimates, contact search); over it → 422'),
  // ---- operations (issue 13)
  OVERDUE_AFTER_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .default(60)
    .describe('a due journey, message or trigger event not handled after this (engine clock) counts as overdue'),
  ENGINE_ALIVE_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .default(60)
    .describe('an engine process whose heartbeat is older than this is not alive'),
  METRICS_TOKEN: z
    .string()
    .min(16, 'must be at least 16 characters')
    .optional()
    .describe('bearer token of GET /metrics (Prometheus); unset → /metrics refused'),
  SEGMENT_WEBHOOK_SECRET: z
    .string()
    .min(16, 'must be at least 16 characters')
    .optional()
    .describe("shared secret of Segment's Webhooks destination (POST /v1/webhook, X-Signature); unset → the route answers 404"),
  SEND_RATE_LIMITS: z
    .string()
    .default('')
    .transform((text, ctx) => {
      try {
        return parseSendRateLimits(text);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    })
    .describe('provider rate limits across all engine processes, e.g. "sms=10/s, email=100/m, email=50000/d"; unset → none'),
  RATE_LIMIT_INGEST: z.coerce
    .number()
    .int()
    .min(0)
    .default(600_000)
    .describe('POST /api/events and /api/contacts per minute per credential; 0 = off'),
});

export type RawConfig = z.infer<typeof schema>;
export interface AppConfig extends RawConfig {
  DEMO: 'on' | 'off';
  DEMO_TRAFFIC: 'on' | 'off';
  PUBLIC_URL: string;
  embeddedDatabase: boolean;
}

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  // empty strings mean "unset", as in most twelve-factor tools
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const raw = parsed.data;
  const missing = missingChannelVariables(raw);
  if (missing.length) throw new ConfigError(`Invalid configuration:\n${missing.map((m) => `  ${m}`).join('\n')}`);
  const embeddedDatabase = raw.DATABASE_URL === undefined;
  const demo = raw.DEMO ?? (embeddedDatabase ? 'on' : 'off');
  return {
    ...raw,
    DEMO: demo,
    DEMO_TRAFFIC: raw.DEMO_TRAFFIC ?? demo,
    PUBLIC_URL: (raw.PUBLIC_URL ?? `http://localhost:${raw.PORT}`).replace(/\/$/, ''),
    embeddedDatabase,
  };
}

/** A channel is configured all at once: setting part of its variables is an error naming the missing ones. */
const channelGroups: (keyof RawConfig)[][] = [
  ['SMTP_URL', 'SMTP_FROM'],
  ['PUSH_URL', 'PUSH_TOKEN'],
  ['VAPID_PUBLIC_KEY', 'VAPID_PRIVATE_KEY', 'VAPID_SUBJECT'],
  ['SMS_URL', 'SMS_ACCOUNT', 'SMS_TOKEN', 'SMS_FROM'],
];

function missingChannelVariables(raw: RawConfig): string[] {
  const problems: string[] = [];
  for (const group of channelGroups) {
    const set = group.filter((name) => raw[name] !== undefined);
    if (set.length === 0 || set.length === group.length) continue;
    for (const name of group.filter((n) => raw[n] === undefined)) problems.push(`${name}: required when ${set.join(', ')} is set`);
  }
  return problems;
}

export const APP_CONFIG = Symbol('APP_CONFIG');
