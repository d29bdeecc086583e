import { defaultEngineSettings, type EngineSettings } from '../core/types';
import type { Db } from './db';

/** Workspace settings (`workspace_settings.settings`) merged over `defaultEngineSettings`. */
export async function loadEngineSettings(db: Pick<Db, 'query'>, publicUrl?: string): Promise<EngineSettings> {
  const result = await db.query<{ settings: Partial<EngineSettings> | null }>('SELECT settings FROM workspace_settings WHERE id = 1');
  const stored = (result.rows[0]?.settings ?? {}) as Partial<EngineSettings>;
  const merged: EngineSettings = { ...defaultEngineSettings };
  for (const key of Object.keys(defaultEngineSettings) as (keyof EngineSettings)[]) {
    if (stored[key] !== undefined) (merged as unknown as Record<string, unknown>)[key] = stored[key];
  }
  merged.activity = { ...defaultEngineSettings.activity, ...(stored.activity ?? {}) };
  merged.channelCosts = { ...defaultEngineSettings.channelCosts, ...(stored.channelCosts ?? {}) };
  if (publicUrl && stored.publicUrl === undefined) merged.publicUrl = publicUrl;
  return merged;
}
