/**
 * The workspace settings document (`workspace_settings.settings`), once for everyone: the API validates PUTs with it,
 * the engine parses what is stored with it (never a cast), the editor types its settings screens from it.
 * The engine reads the activity rule, quiet hours, caps, attribution window and channel costs; ingestion reads
 * `nonActivityEvents` and `createContactsOnEvent`.
 */
import { z } from 'zod';
import { isValidDuration } from './durations';
import { sendRateLimitSchema } from './rate-limits';
import { isoDuration, localTimeOfDay } from './schema';
import { defaultEngineSettings, type EngineSettings } from './types';

const duration = isoDuration.refine(isValidDuration, 'not a positive ISO 8601 duration (e.g. PT72H, P7D)');

export const workspaceSettingsSchema = z
  .object({
    nonActivityEvents: z
      .array(z.string().min(1).max(200))
      .max(1000)
      .describe('event names that do not count as activity (do not update lastActiveAt)'),
    createContactsOnEvent: z.boolean().describe('an event for an unknown externalId creates the contact (true) or is rejected (false)'),
    activity: z
      .object({ minDays: z.number().int().min(1).max(366), windowDays: z.number().int().min(1).max(366) })
      .strict()
      .describe('active = activity on at least minDays distinct local days of the last windowDays'),
    quietHours: z
      .object({ start: localTimeOfDay, end: localTimeOfDay })
      .strict()
      .nullable()
      .describe('no sends between start and end, in the contact’s time zone; null disables'),
    frequencyCaps: z
      .array(
        z
          .object({
            channel: z.enum(['email', 'push', 'sms', 'webhook', 'all']),
            max: z.number().int().min(0).max(1000),
            per: duration,
          })
          .strict(),
      )
      .max(20),
    attributionWindow: duration.describe('a return counts for a message within this window (default PT72H)'),
    channelCosts: z
      .object({
        email: z.number().int().min(0).max(1_000_000),
        push: z.number().int().min(0).max(1_000_000),
        sms: z.number().int().min(0).max(1_000_000),
        webhook: z.number().int().min(0).max(1_000_000),
      })
      .partial()
      .strict()
      .describe('price per message in integer cents (SMS: per segment); stored on each message, summed by metrics'),
    sendRateLimits: z
      .array(sendRateLimitSchema)
      .max(20)
      .describe('provider rate limits across every engine process; SEND_RATE_LIMITS, when set, wins over these'),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, 'a three-letter ISO 4217 code, e.g. EUR')
      .describe('the currency costs are shown in (cents are its minor unit); display only'),
    retention: z
      .object({
        journeyLogMonths: z
          .number()
          .int('whole months')
          .min(1, 'keep at least 1 month')
          .max(120, 'keep at most 120 months (10 years)')
          .describe('whole months of journey log kept before the current one (default 13: a year of metrics and its comparison month)'),
        eventMonths: z
          .number()
          .int('whole months')
          .min(1, 'keep at least 1 month')
          .max(120, 'keep at most 120 months (10 years)')
          .default(13)
          .describe('whole months of events kept before the current one (default 13); longer while an active flow looks back further'),
        messageMonths: z
          .number()
          .int('whole months')
          .min(1, 'keep at least 1 month')
          .max(120, 'keep at most 120 months (10 years)')
          .default(13)
          .describe(
            'whole months of sent messages kept before the current one (default 13: a year of metrics); longer while a frequency cap or the attribution window looks back further',
          ),
      })
      .strict()
      .describe(
        'how long history is kept; older months are dropped as whole partitions, and a month holding a live journey’s steps is kept',
      ),
  })
  .strict();
export type WorkspaceSettings = z.infer<typeof workspaceSettingsSchema>;

/** PUT merges the keys it names into the stored document. */
export const updateSettingsBody = workspaceSettingsSchema.partial().strict();
export type UpdateSettingsBody = z.infer<typeof updateSettingsBody>;

export const defaultWorkspaceSettings: WorkspaceSettings = {
  nonActivityEvents: [],
  createContactsOnEvent: true,
  activity: defaultEngineSettings.activity,
  quietHours: defaultEngineSettings.quietHours,
  frequencyCaps: defaultEngineSettings.frequencyCaps,
  attributionWindow: defaultEngineSettings.attributionWindow,
  channelCosts: defaultEngineSettings.channelCosts,
  sendRateLimits: [],
  currency: 'USD',
  retention: { journeyLogMonths: 13, eventMonths: 13, messageMonths: 13 },
};

/**
 * The engine's settings from a stored document: each key that parses replaces its default, a key that does not
 * (written by an older version, or by hand) keeps the default and is reported, so one bad key never stops the engine.
 */
export function engineSettingsFrom(stored: unknown, publicUrl?: string): { settings: EngineSettings; ignored: string[] } {
  const document = stored && typeof stored === 'object' && !Array.isArray(stored) ? (stored as Record<string, unknown>) : {};
  const settings: EngineSettings = { ...defaultEngineSettings, channelCosts: { ...defaultEngineSettings.channelCosts } };
  const ignored: string[] = [];
  const shape = workspaceSettingsSchema.shape;
  const take = <K extends keyof typeof shape>(key: K): z.infer<(typeof shape)[K]> | undefined => {
    if (document[key] === undefined) return undefined;
    const parsed = shape[key].safeParse(document[key]);
    if (!parsed.success) ignored.push(key);
    return parsed.success ? (parsed.data as z.infer<(typeof shape)[K]>) : undefined;
  };
  settings.activity = take('activity') ?? settings.activity;
  const quiet = take('quietHours');
  if (quiet !== undefined) settings.quietHours = quiet;
  settings.frequencyCaps = take('frequencyCaps') ?? settings.frequencyCaps;
  settings.attributionWindow = take('attributionWindow') ?? settings.attributionWindow;
  settings.channelCosts = { ...settings.channelCosts, ...(take('channelCosts') ?? {}) };
  settings.sendRateLimits = take('sendRateLimits') ?? settings.sendRateLimits;
  if (typeof document.publicUrl === 'string') settings.publicUrl = document.publicUrl;
  else if (publicUrl) settings.publicUrl = publicUrl;
  return { settings, ignored };
}
