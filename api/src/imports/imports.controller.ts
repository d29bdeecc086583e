import { BadRequestException, Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Access } from '../auth/access.decorator';
import { UuidOr404Pipe } from '../common/ids';
import { ImportsService, type ImportKind } from './imports.service';

/**
 * CSV imports. `POST /api/imports/contacts` or `/events` with the CSV as the body (`Content-Type: text/csv`, any
 * size): the answer streams NDJSON, one progress object about every half second and the final one last
 * (`status: done`), so a client can draw a progress bar; `GET /api/imports/:id` answers the same from elsewhere, and
 * `GET /api/imports/:id/rejected.csv` lists the rejected rows with line numbers and reasons.
 */
@Controller('imports')
export class ImportsController {
  constructor(private readonly imports: ImportsService) {}

  @Access('ingest')
  @Post(':kind')
  async upload(@Param('kind') kind: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    if (kind !== 'contacts' && kind !== 'events')
      throw new BadRequestException({
        statusCode: 400,
        message: 'kind: must be "contacts" or "events"',
        errors: [{ path: 'kind', message: 'must be "contacts" or "events"' }],
      });
    const type = req.headers['content-type'] ?? '';
    if (!/^(text\/csv|application\/csv|text\/plain|application\/octet-stream)\b/.test(type)) {
      const message = `content-type: send the CSV as text/csv (got "${type.slice(0, 100)}")`;
      res.status(415).json({ statusCode: 415, message, errors: [{ path: 'content-type', message }] });
      return;
    }
    const length = Number(req.headers['content-length']);
    res.status(200).setHeader('Content-Type', 'application/x-ndjson; charset=utf-8');
    res.flushHeaders();
    await this.imports.run(kind as ImportKind, req, Number.isFinite(length) && length > 0 ? length : null, (progress) => {
      if (!res.destroyed) res.write(JSON.stringify(progress) + '\n');
    });
    res.end();
  }

  @Access('read')
  @Get(':id')
  get(@Param('id', new UuidOr404Pipe('import')) id: string) {
    return this.imports.get(id);
  }

  @Access('read')
  @Get(':id/rejected.csv')
  rejected(@Param('id', new UuidOr404Pipe('import')) id: string, @Res() res: Response): void {
    const report = this.imports.rejectedReport(id);
    res
      .status(200)
      .setHeader('Content-Type', 'text/csv; charset=utf-8')
      .setHeader('Content-Disposition', `attachment; filename="import-${id}-rejected.csv"`);
    if (typeof report === 'string') res.end(report);
    else report.pipe(res);
  }
}
