import { Module } from '@nestjs/common';
import { MetricsModule } from '../metrics/metrics.module';
import { ExportsController } from './exports.controller';
import { ExportsRepository } from './exports.repository';
import { ExportsService } from './exports.service';

@Module({ imports: [MetricsModule], controllers: [ExportsController], providers: [ExportsRepository, ExportsService] })
export class ExportsModule {}
