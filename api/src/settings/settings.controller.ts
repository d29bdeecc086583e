import { Body, Controller, Get, Put } from '@nestjs/common';
import { Access, Caller } from '../auth/access.decorator';
import type { Principal } from '../auth/principal';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import { updateSettingsBody, UpdateSettingsBody, WorkspaceSettings } from './settings.dto';
import { SettingsService } from './settings.service';

@Controller('settings')
export class SettingsController {
  constructor(private readonly settings: SettingsService) {}

  @Access('read')
  @Get()
  get(): Promise<WorkspaceSettings> {
    return this.settings.get();
  }

  /** Merges the keys given into the workspace settings; the rest stay as they are. */
  @Access('admin')
  @Put()
  update(@Body(new ZodValidationPipe(updateSettingsBody)) body: UpdateSettingsBody, @Caller() caller: Principal) {
    return this.settings.update(body, caller);
  }
}
