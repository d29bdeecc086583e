import { Module } from '@nestjs/common';
import { FlowsController, FlowStatsController, FlowTemplatesController } from './flows.controller';
import { FlowsRepository } from './flows.repository';
import { FlowsService } from './flows.service';

@Module({
  controllers: [FlowsController, FlowTemplatesController, FlowStatsController],
  providers: [FlowsRepository, FlowsService],
  exports: [FlowsRepository, FlowsService],
})
export class FlowsModule {}
