import { z } from 'zod';
import { isValidTimeZone } from '@boomerang/engine';
import { channelConsent } from '@boomerang/engine/core/views/contacts';
import { emailAddressProblem, phoneNumberProblem } from '@boomerang/engine/core/addresses';

const externalId = z.string().min(1, 'must not be empty').max(200).describe('the customer’s own id of the contact');
const MAX_JSON = 32 * 1024;
const fitsInJson = (limit: number) => (value: unknown) => JSON.stringify(value ?? null).length <= limit;
/** A channel address attribute: a string the check accepts (its words name the problem), or null to remove it. */
const address = (problem: (value: string) => string | null) =>
  z
    .string()
    .max(320)
    .superRefine((value, ctx) => {
      const words = problem(value);
      if (words) ctx.addIssue({ code: 'custom', message: words });
    })
    .nullable()
    .optional();

/**
 * Attributes are open-ended (any JSON value per key); the channel addresses must be strings: `email` exactly one
 * addr-spec, `phone` E.164 (`core/addresses.ts`, issue 20), `pushToken` any token. A key set to `null` is removed.
 */
export const contactAttributes = z
  .object({
    email: address(emailAddressProblem),
    phone: address(phoneNumberProblem),
    pushToken: z.string().max(4096).nullable().optional(),
  })
  .catchall(z.unknown())
  .refine((a) => Object.keys(a).length <= 200, 'at most 200 attributes')
  .refine((a) => Object.keys(a).every((k) => k.length >= 1 && k.length <= 100), 'attribute names are 1–100 characters')
  .refine(fitsInJson(MAX_JSON), `attributes must fit in ${MAX_JSON / 1024} KB of JSON`);

/**
 * One contact of `POST /api/contacts` (upsert by externalId). MERGE semantics: attributes are merged key by key
 * (a key set to null is removed), consent channel by channel; timezone replaces when given.
 */
export const contactItem = z
  .object({
    externalId,
    timezone: z.string().max(64).refine(isValidTimeZone, 'not an IANA time zone (e.g. Europe/Paris)').optional(),
    consent: channelConsent.optional(),
    attributes: contactAttributes.optional(),
  })
  .strict();
export type ContactItem = z.infer<typeof contactItem>;

export const contactBatch = z.array(contactItem).max(10_000).describe('1 to 10,000 contacts');

/** One event of `POST /api/events`. */
export const eventItem = z
  .object({
    externalId,
    name: z.string().min(1, 'must not be empty').max(200),
    occurredAt: z.iso
      .datetime({ offset: true })
      .optional()
      .describe('ISO 8601 instant with Z or an offset; defaults to the engine clock’s now'),
    properties: z
      .record(z.string().max(100), z.unknown())
      .refine(fitsInJson(16 * 1024), 'properties must fit in 16 KB of JSON')
      .optional(),
  })
  .strict();
export type EventItem = z.infer<typeof eventItem>;

export const eventBatch = z.array(eventItem).max(10_000).describe('1 to 10,000 events');

/** `GET /api/contacts?q=&cursor=&limit=`: `q` matches an externalId or e-mail prefix, a phone's digits, or `key=value`. */
export const listContactsQuery = z
  .object({
    q: z.string().trim().max(200).optional(),
    cursor: z.string().max(400).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();
export type ListContactsQuery = z.infer<typeof listContactsQuery>;

export const listContactEventsQuery = z
  .object({ cursor: z.string().max(400).optional(), limit: z.coerce.number().int().min(1).max(500).default(100) })
  .strict();
export type ListContactEventsQuery = z.infer<typeof listContactEventsQuery>;
