import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { SettingsController } from './settings.controller';
import { SettingsRepository } from './settings.repository';

@Module({ imports: [AuditModule], controllers: [SettingsController], providers: [SettingsRepository], exports: [SettingsRepository] })
export class SettingsModule {}
