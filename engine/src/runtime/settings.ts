import { engineSettingsFrom } from '../core/settings';
import type { EngineSettings } from '../core/types';
import type { Db } from './db';

/** Workspace settings (`workspace_settings.settings`) parsed over the defaults (core/settings.ts). */
export async function loadEngineSettings(db: Pick<Db, 'query'>, publicUrl?: string): Promise<EngineSettings> {
  const result = await db.query<{ settings: unknown }>('SELECT settings FROM workspace_settings WHERE id = 1');
  return engineSettingsFrom(result.rows[0]?.settings ?? {}, publicUrl).settings;
}
