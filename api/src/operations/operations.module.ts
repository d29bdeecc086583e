import { Module } from '@nestjs/common';
import { HealthDetailsController, PrometheusController } from './operations.controller';
import { OperationsRepository } from './operations.repository';
import { OperationsService } from './operations.service';

/** Operations view: `/api/health/details` and Prometheus `/metrics` (issue 13). */
@Module({ controllers: [HealthDetailsController, PrometheusController], providers: [OperationsService, OperationsRepository] })
export class OperationsModule {}
