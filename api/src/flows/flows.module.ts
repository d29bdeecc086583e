import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { FlowsController, FlowStatsController, FlowTemplatesController } from './flows.controller';
import { FlowsRepository } from './flows.repository';
import { FlowsService } from './flows.service';

@Module({
  imports: [AuditModule],
  controllers: [FlowsController, FlowTemplatesController, FlowStatsController],
  providers: [FlowsRepository, FlowsService],
  exports: [FlowsRepository],
})
export class FlowsModule {}
