import { z } from 'zod';
import { defaultEngineSettings, isoDuration, isValidDuration, localTimeOfDay } from '@boomerang/engine';

const duration = isoDuration.refine(isValidDuration, 'not a positive ISO 8601 duration (e.g. PT72H, P7D)');

/**
 * The workspace settings document (`workspace_settings.settings`). The engine reads the activity rule, quiet hours,
 * caps and attribution window; the API reads `nonActivityEvents` and `createContactsOnEvent` at ingestion.
 */
export const workspaceSettingsSchema = z
  .object({
    nonActivityEvents: z
      .array(z.string().min(1).max(200))
      .max(1000)
      .describe('event names that do not count as activity (do not update lastActiveAt)'),
    createContactsOnEvent: z
      .boolean()
      .describe('an event for an unknown externalId creates the contact (true) or is rejected (false)'),
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
};
