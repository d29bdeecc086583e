import type { SubscriptionLinkKey } from '../core/link-token';
import { engineSettingsFrom } from '../core/settings';
import type { EngineSettings } from '../core/types';
import type { Db } from './db';

/** Where subscription links get their key and lifetime: LINK_SECRET and LINK_TTL_DAYS, else the database's key. */
export interface SubscriptionLinkOptions {
  secret?: string;
  ttlDays?: number;
}

export const DEFAULT_LINK_TTL_DAYS = 365;

/**
 * Workspace settings (`workspace_settings.settings`) parsed over the defaults (core/settings.ts), with the key
 * subscription links are signed with (the configured secret, else the one generated into `link_keys`).
 */
export async function loadEngineSettings(
  db: Pick<Db, 'query'>,
  publicUrl?: string,
  links: SubscriptionLinkOptions = {},
): Promise<EngineSettings> {
  const result = await db.query<{ settings: unknown; link_key: string | null }>(
    `SELECT (SELECT settings FROM workspace_settings WHERE id = 1) AS settings, (SELECT key FROM link_keys WHERE id = 1) AS link_key`,
  );
  const row = result.rows[0];
  const settings = engineSettingsFrom(row?.settings ?? {}, publicUrl).settings;
  const key = links.secret ?? row?.link_key;
  if (key) settings.subscriptionLinks = { key, ttlDays: links.ttlDays ?? DEFAULT_LINK_TTL_DAYS };
  return settings;
}

/** The key subscription links are checked with: the configured secret, else the database's. */
export async function subscriptionLinkKey(db: Pick<Db, 'query'>, secret?: string): Promise<SubscriptionLinkKey['key']> {
  if (secret) return secret;
  const result = await db.query<{ key: string }>(`SELECT key FROM link_keys WHERE id = 1`);
  if (!result.rows[0]) throw new Error('no subscription link key: the link_keys migration has not run');
  return result.rows[0].key;
}
