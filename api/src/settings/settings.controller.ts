import { Body, Controller, Get, Put } from '@nestjs/common';
import { AuditRepository } from '../audit/audit.repository';
import { Access, Caller } from '../auth/access.decorator';
import { actorOf, Principal } from '../auth/principal';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import { updateSettingsBody, UpdateSettingsBody, WorkspaceSettings } from './settings.dto';
import { SettingsRepository } from './settings.repository';

@Controller('settings')
export class SettingsController {
  constructor(
    private readonly settings: SettingsRepository,
    private readonly audit: AuditRepository,
  ) {}

  @Access('read')
  @Get()
  get(): Promise<WorkspaceSettings> {
    return this.settings.get();
  }

  /** Merges the keys given into the workspace settings; the rest stay as they are. */
  @Access('admin')
  @Put()
  update(@Body(new ZodValidationPipe(updateSettingsBody)) body: UpdateSettingsBody, @Caller() caller: Principal) {
    return this.settings.transaction(async (db) => {
      await this.settings.merge(db, body);
      await this.audit.record(db, { actor: actorOf(caller), action: 'settings.updated', entityType: 'settings', entityId: null, detail: body });
      return this.settings.get(db);
    });
  }
}
