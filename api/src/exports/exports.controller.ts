import { Controller, Get, NotFoundException, Param, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { once } from 'node:events';
import { Access } from '../auth/access.decorator';
import { UuidOr404Pipe } from '../common/ids';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import { metricsQuery, MetricsQuery } from '../metrics/metrics.dto';
import { ExportsService } from './exports.service';

/** CSV downloads of a flow's metrics, journeys and messages, streamed page by page with backpressure. */
@Controller('flows')
export class ExportsController {
  constructor(private readonly exports: ExportsService) {}

  @Access('read')
  @Get(':id/export/metrics.csv')
  async metricsCsv(
    @Param('id', new UuidOr404Pipe('flow')) id: string,
    @Query(new ZodValidationPipe(metricsQuery)) query: MetricsQuery,
    @Res() res: Response,
  ) {
    await this.send(id, `flow-${id}-metrics.csv`, this.exports.metricsCsv(id, query.version ?? null), res);
  }

  @Access('read')
  @Get(':id/export/journeys.csv')
  async journeysCsv(@Param('id', new UuidOr404Pipe('flow')) id: string, @Res() res: Response) {
    await this.send(id, `flow-${id}-journeys.csv`, this.exports.journeys(id), res);
  }

  @Access('read')
  @Get(':id/export/messages.csv')
  async messagesCsv(@Param('id', new UuidOr404Pipe('flow')) id: string, @Res() res: Response) {
    await this.send(id, `flow-${id}-messages.csv`, this.exports.messages(id), res);
  }

  private async send(flowId: string, filename: string, lines: AsyncGenerator<string>, res: Response): Promise<void> {
    if (!(await this.exports.flowExists(flowId))) throw new NotFoundException(`flow "${flowId}" not found`);
    res
      .status(200)
      .setHeader('Content-Type', 'text/csv; charset=utf-8')
      .setHeader('Content-Disposition', `attachment; filename="${filename}"`);
    try {
      for await (const line of lines) {
        if (!res.write(line)) await once(res, 'drain');
        if (res.destroyed) return; // the client went away: stop reading pages
      }
    } catch (error) {
      res.destroy(error as Error); // headers are gone: a broken download is the only honest signal
      return;
    }
    res.end();
  }
}
