import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { defaultWorkspaceSettings, WorkspaceSettings } from './settings.dto';

@Injectable()
export class SettingsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The stored document over the defaults; an unset row means all defaults. */
  async get(db: EntityManager = this.dataSource.manager): Promise<WorkspaceSettings> {
    const rows: { settings: Partial<WorkspaceSettings> }[] = await db.query(`SELECT settings FROM workspace_settings WHERE id = 1`);
    return { ...defaultWorkspaceSettings, ...(rows[0]?.settings ?? {}) };
  }

  async merge(db: EntityManager, patch: Partial<WorkspaceSettings>): Promise<void> {
    // EXCLUDED.updated_at (the column's default) rather than now(): Citus refuses STABLE functions in DO UPDATE SET
    await db.query(
      `INSERT INTO workspace_settings (id, settings) VALUES (1, $1::jsonb)
       ON CONFLICT (id) DO UPDATE SET settings = workspace_settings.settings || EXCLUDED.settings, updated_at = EXCLUDED.updated_at`,
      [JSON.stringify(patch)],
    );
  }

  transaction<T>(work: (db: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }
}
