import { Injectable } from '@nestjs/common';
import { AuditWriter } from '../common/audit-writer';
import { actorOf, type Principal } from '../auth/principal';
import type { UpdateSettingsBody, WorkspaceSettings } from './settings.dto';
import { SettingsRepository } from './settings.repository';

/** The workspace settings document: read by any module through this service, changed (and audited) by admins. */
@Injectable()
export class SettingsService {
  constructor(
    private readonly settings: SettingsRepository,
    private readonly audit: AuditWriter,
  ) {}

  get(): Promise<WorkspaceSettings> {
    return this.settings.get();
  }

  /** Merges the keys given; the rest stay as they are. */
  update(body: UpdateSettingsBody, caller: Principal): Promise<WorkspaceSettings> {
    return this.settings.transaction(async (db) => {
      await this.settings.merge(db, body);
      await this.audit.record(db, {
        actor: actorOf(caller),
        action: 'settings.updated',
        entityType: 'settings',
        entityId: null,
        detail: body,
      });
      return this.settings.get(db);
    });
  }
}
