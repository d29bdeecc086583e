import { Module } from '@nestjs/common';
import { FlowsModule } from '../flows/flows.module';
import { SettingsModule } from '../settings/settings.module';
import { ExperimentsController } from './experiments.controller';
import { ExperimentsRepository } from './experiments.repository';
import { ExperimentsService } from './experiments.service';

/** Split experiments: status, the engine's decision when a window closes, the marketer's pick. */
@Module({
  imports: [FlowsModule, SettingsModule],
  controllers: [ExperimentsController],
  providers: [ExperimentsRepository, ExperimentsService],
})
export class ExperimentsModule {}
