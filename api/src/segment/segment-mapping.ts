/**
 * Segment's message shapes and what each becomes in Boomerang (docs/TRACKING.md has the table). Pure: the service
 * stores what this returns.
 *
 * - `userId` → the contact's externalId; a message with only `anonymousId` → the contact `anonymous:<anonymousId>`.
 *   A message with both, and `alias` (`previousId` → `userId`), merge that contact into the known one.
 * - `identify` traits → attributes (merged; checked by the contacts API's own schema), except `subscriptions`: topic
 *   choices (`PUT /api/contacts/:id/preferences`'s `topics`); `group` → attributes `groupId`
 *   and `group` (the group's traits with its `id`).
 * - `context.timezone` / `context.locale`, when valid, → the contact's time zone / `locale` attribute.
 * - `track` → an event named `event` with `properties`; `page` → an event `page`, `screen` → an event `screen`, each
 *   with `properties` plus `name` and `category` when given.
 * - occurredAt: `timestamp` (or `originalTimestamp`) corrected for the sender's clock skew with `sentAt`, as Segment
 *   does: receivedAt − (sentAt − timestamp); without `sentAt` the timestamp as given; without either, receivedAt.
 */
import { z } from 'zod';
import { isValidTimeZone } from '@boomerang/engine';

export const SEGMENT_TYPES = ['identify', 'track', 'page', 'screen', 'group', 'alias'] as const;
export type SegmentType = (typeof SEGMENT_TYPES)[number];

/** The externalId of the contact an `anonymousId` stands for until it is identified. */
export const ANONYMOUS_PREFIX = 'anonymous:';

/** Segment's limit for one message (and one single call): 32 KB. */
export const MAX_MESSAGE_BYTES = 32 * 1024;

const ident = z
  .union([z.string().trim().min(1, 'must not be empty').max(180), z.number().finite().transform(String)])
  .describe('a string (or number) of 1–180 characters');
const instant = z
  .string()
  .max(64)
  .refine((s) => !Number.isNaN(Date.parse(s)), 'not an ISO 8601 date-time');
const record = z.record(z.string().max(100), z.unknown());

/** What every message may carry; unknown fields (`_metadata`, `integrations`, `channel`, …) are accepted and ignored. */
const common = {
  messageId: z.union([z.string().min(1).max(200), z.number().transform(String)]).optional(),
  userId: ident.nullish(),
  anonymousId: ident.nullish(),
  timestamp: instant.nullish(),
  originalTimestamp: instant.nullish(),
  sentAt: instant.nullish(),
  context: z.looseObject({ timezone: z.unknown().optional(), locale: z.unknown().optional() }).nullish(),
};

export const segmentMessage = z.discriminatedUnion('type', [
  z.looseObject({ ...common, type: z.literal('identify'), traits: record.nullish() }),
  z.looseObject({
    ...common,
    type: z.literal('track'),
    event: z.string().trim().min(1, 'must not be empty').max(200),
    properties: record.nullish(),
  }),
  z.looseObject({
    ...common,
    type: z.literal('page'),
    name: z.string().max(200).nullish(),
    category: z.string().max(200).nullish(),
    properties: record.nullish(),
  }),
  z.looseObject({
    ...common,
    type: z.literal('screen'),
    name: z.string().max(200).nullish(),
    category: z.string().max(200).nullish(),
    properties: record.nullish(),
  }),
  z.looseObject({ ...common, type: z.literal('group'), groupId: ident, traits: record.nullish() }),
  z.looseObject({ ...common, type: z.literal('alias'), previousId: ident }),
]);
export type SegmentMessage = z.infer<typeof segmentMessage>;

/** A contact change in the shape of one `POST /api/contacts` item (validated by that route's own schema). */
export interface ContactChange {
  externalId: string;
  timezone?: string;
  attributes?: Record<string, unknown>;
}

/** What one message asks Boomerang to do. */
export interface Mapped {
  externalId: string;
  messageId?: string;
  /** merge these contacts (the anonymous one; an alias's previousId, known or anonymous) into `externalId` first */
  mergeFrom?: string[];
  contact?: ContactChange;
  /** identify's `traits.subscriptions`: topic choices, `{"offers": false, "news": {"email": true}}` */
  subscriptions?: unknown;
  event?: { name: string; occurredAt: string; properties: Record<string, unknown> };
}

/**
 * Maps a parsed message received at `receivedAt`; `batchSentAt` is the batch envelope's `sentAt`.
 * Throws an Error whose message names the field when the message cannot be mapped.
 */
export function mapMessage(m: SegmentMessage, receivedAt: Date, batchSentAt?: string | null): Mapped {
  const anonymous = m.anonymousId ? ANONYMOUS_PREFIX + m.anonymousId : undefined;
  const userId = m.userId ?? undefined;
  if (m.type === 'alias') {
    if (!userId) throw new Error('userId: required for alias');
    return { externalId: userId, messageId: m.messageId, mergeFrom: [m.previousId, ANONYMOUS_PREFIX + m.previousId] };
  }
  const externalId = userId ?? anonymous;
  if (!externalId) throw new Error('userId or anonymousId: one is required');
  const out: Mapped = { externalId, messageId: m.messageId };
  if (userId && anonymous) out.mergeFrom = [anonymous];

  const contact: ContactChange = { externalId };
  const zone = m.context?.timezone;
  if (typeof zone === 'string' && zone.length <= 64 && isValidTimeZone(zone)) contact.timezone = zone;
  const locale = canonicalLocale(m.context?.locale);
  const attributes: Record<string, unknown> = {};
  if (locale) attributes.locale = locale;
  if (m.type === 'identify') {
    const { subscriptions, ...traits } = m.traits ?? {};
    Object.assign(attributes, traits);
    if (subscriptions !== undefined && subscriptions !== null) out.subscriptions = subscriptions;
  }
  if (m.type === 'group') Object.assign(attributes, { groupId: m.groupId, group: { ...(m.traits ?? {}), id: m.groupId } });
  if (Object.keys(attributes).length) contact.attributes = attributes;
  if (contact.timezone || contact.attributes || m.type === 'identify') out.contact = contact;

  const occurredAt = occurredAtOf(m, receivedAt, batchSentAt).toISOString();
  if (m.type === 'track') out.event = { name: m.event, occurredAt, properties: m.properties ?? {} };
  if (m.type === 'page' || m.type === 'screen') {
    const properties: Record<string, unknown> = { ...(m.properties ?? {}) };
    if (m.name != null) properties.name = m.name;
    if (m.category != null) properties.category = m.category;
    out.event = { name: m.type, occurredAt, properties };
  }
  return out;
}

/** Segment's clock-skew correction: receivedAt − (sentAt − timestamp), when the sender said when it sent. */
export function occurredAtOf(
  m: Pick<SegmentMessage, 'timestamp' | 'originalTimestamp' | 'sentAt'>,
  receivedAt: Date,
  batchSentAt?: string | null,
): Date {
  const stamp = m.timestamp ?? m.originalTimestamp;
  if (!stamp) return receivedAt;
  const sentAt = m.sentAt ?? batchSentAt;
  const at = Date.parse(stamp);
  if (!sentAt) return new Date(at);
  return new Date(receivedAt.getTime() - (Date.parse(sentAt) - at));
}

/** A BCP 47 tag Intl accepts (`en_US` → `en-US`), or undefined. */
export function canonicalLocale(value: unknown): string | undefined {
  if (typeof value !== 'string' || !value || value.length > 35) return undefined;
  try {
    return Intl.getCanonicalLocales(value.replace(/_/g, '-'))[0];
  } catch {
    return undefined;
  }
}
