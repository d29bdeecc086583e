import { Controller, Get, Param, Query } from '@nestjs/common';
import { Access } from '../auth/access.decorator';
import { UuidOr404Pipe } from '../common/ids';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import { metricsQuery, MetricsQuery } from './metrics.dto';
import { MetricsService } from './metrics.service';

@Controller('flows')
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  /** Funnel, retention, holdout lift and per-node counts; `?version=N` for one version. */
  @Access('read')
  @Get(':id/metrics')
  forFlow(@Param('id', new UuidOr404Pipe('flow')) id: string, @Query(new ZodValidationPipe(metricsQuery)) query: MetricsQuery) {
    return this.metrics.forFlow(id, query.version ?? null);
  }
}
