import type { SubscriptionLinkKey } from './link-token';
import type { SendRateLimit } from './rate-limits';
/**
 * The contract between the pure journey core and everything that wraps it (runtime, API, editor).
 * Times are `Date` objects in memory; the runtime stores them as `timestamptz`.
 */
import type { ChannelKind, Rule } from './schema';
import type { ActiveHours } from './best-hour';
import type { TopicFacts } from './topics';

/** Journey and message states, declared once (the migrations' CHECK constraints list the same). */
export const journeyStates = ['waiting', 'running', 'completed', 'converted', 'exited', 'failed'] as const;
export type JourneyState = (typeof journeyStates)[number];
export const liveJourneyStates: readonly JourneyState[] = ['waiting', 'running'];
export const endedJourneyStates: readonly JourneyState[] = ['completed', 'converted', 'exited', 'failed'];
export const messageStatuses = ['queued', 'sent', 'delivered', 'failed'] as const;
export type MessageStatus = (typeof messageStatuses)[number];

/** What a waiting journey waits for; `null` when it is due now or has ended. */
export type JourneyWait =
  | { kind: 'delay'; until: string } // fixed duration or `until` a local time; ISO instant
  | { kind: 'event'; event: string; since: string; timeoutAt: string } // waitFor: event after `since`, else timeout
  | { kind: 'send'; until: string; reason: 'quiet_hours' | 'frequency_cap' } // a channel node held by a guardrail
  | { kind: 'goal'; until: string; within: string }; // reached a goal along an edge: its event or rule until `until`

/** Per-journey memory carried between steps (stored as jsonb). */
export interface JourneyContext {
  /** times (ISO) of messages this journey emitted that count as win-back messages, newest last, capped */
  winbackSentAt?: string[];
  /** ISO time of the first activity event inside an attribution window after a win-back message */
  returnedAt?: string;
  /** visits per node id: loop caps and branch statistics */
  visits?: Record<string, number>;
  /** ISO instant the journey met its goal (the goal event's time, else the step's): attribution to messages */
  convertedAt?: string;
}

export interface JourneySnapshot {
  id: string;
  flowId: string;
  version: number;
  contactId: string;
  state: JourneyState;
  currentNodeId: string;
  enteredAt: Date;
  nextRunAt: Date | null;
  /** number of steps taken so far; the idempotency key of a message is `${id}:${stepSeq}` at its send */
  stepSeq: number;
  holdout: boolean;
  wait: JourneyWait | null;
  context: JourneyContext;
}

export interface EventFact {
  name: string;
  occurredAt: Date;
  properties: Record<string, unknown>;
  /** counts as activity (every event unless its name is in the workspace's non-activity list) */
  activity: boolean;
}

export interface SendFact {
  channel: ChannelKind;
  at: Date;
}

/** What the engine knows about one contact when it advances a journey. */
export interface ContactFacts {
  contactId: string;
  externalId: string;
  /** IANA zone; invalid or missing zones are treated as UTC by the runtime before they get here */
  timezone: string;
  attributes: Record<string, unknown>;
  consent: Partial<Record<ChannelKind, boolean>>;
  lastActiveAt: Date | null;
  /** this contact's events within the lookback the runtime computed for the graph, oldest first */
  events: EventFact[];
  /** messages sent or queued to this contact by any flow within the longest frequency-cap window */
  recentSends: SendFact[];
  /** activity per local hour (the contact's, and its zone's): loaded only for flows with a best-hour delay */
  activeHours?: ActiveHours;
  /** its subscription topic choices and the topics' defaults (absent: topics restrict nothing) */
  topics?: TopicFacts;
}

export interface ActivityRule {
  /** distinct local days with activity needed… */
  minDays: number;
  /** …within this many days, counted in the contact's time zone, today included */
  windowDays: number;
}

export interface FrequencyCap {
  /** `all` counts every channel */
  channel: ChannelKind | 'all';
  max: number;
  per: string; // ISO duration
}

export interface EngineSettings {
  activity: ActivityRule;
  quietHours: { start: string; end: string } | null; // local HH:mm; null disables
  frequencyCaps: FrequencyCap[];
  attributionWindow: string; // ISO duration, default PT72H
  /** guard against runaway loops within one advance() call */
  maxStepsPerAdvance: number;
  /** extra variables templates may use besides contact attributes */
  publicUrl: string;
  /** price per message in integer cents, per channel (SMS: per segment); a node's `costCents` overrides it */
  channelCosts: Record<ChannelKind, number>;
  /** provider rate limits of the workspace settings (SEND_RATE_LIMITS, when set, wins: `rate-limits.ts`) */
  sendRateLimits: SendRateLimit[];
  /** the key subscription links are signed with (`link-token.ts`); the runtime loads it, previews have none */
  subscriptionLinks?: SubscriptionLinkKey;
}

export const defaultEngineSettings: EngineSettings = {
  activity: { minDays: 3, windowDays: 7 },
  quietHours: { start: '21:00', end: '09:00' },
  frequencyCaps: [
    { channel: 'push', max: 1, per: 'P1D' },
    { channel: 'all', max: 3, per: 'P7D' },
  ],
  attributionWindow: 'PT72H',
  maxStepsPerAdvance: 100,
  publicUrl: 'http://localhost:3000',
  channelCosts: { email: 0, push: 0, sms: 0, webhook: 0 },
  sendRateLimits: [],
};

export type LogKind =
  | 'entered'
  | 'node'
  | 'decision'
  | 'wait'
  | 'resumed'
  | 'guardrail'
  | 'message'
  | 'goal'
  | 'completed'
  | 'exited'
  | 'failed'
  | 'delivery'
  // after a message left (engine runtime `store/messages.ts`, the dispatcher's escalation)
  | 'click'
  | 'open'
  | 'unsubscribe'
  | 'receipt'
  | 'escalation';

export interface LogEffect {
  type: 'log';
  at: Date;
  nodeId: string;
  kind: LogKind;
  detail: Record<string, unknown>;
  /**
   * Set on the first row of a node visit: the journey's step number (`stepSeq`) at that visit. A visit is counted by
   * this, not by a row of its own: the row that says what the step did also says that the journey got there.
   */
  step?: number;
}

export interface RenderedContent {
  subject?: string;
  html?: string;
  text?: string;
  title?: string;
  body?: string;
  url?: string;
}

export interface SendEffect {
  type: 'send';
  idempotencyKey: string;
  /** deterministic UUID derived from the idempotency key (tracking links in the content use it); set by advance() */
  messageId?: string;
  nodeId: string;
  channel: ChannelKind;
  content: RenderedContent;
  costCents: number;
  at: Date;
  /** the subscription topic the node sends on, checked again at send time */
  topic?: string;
}

export type Effect = LogEffect | SendEffect;

export interface AdvanceResult {
  journey: JourneySnapshot;
  effects: Effect[];
}

export type { Rule, ChannelKind };
