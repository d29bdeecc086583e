import { Controller, Get, Header, Inject, Req, UnauthorizedException } from '@nestjs/common';
import { timingSafeEqual, createHash } from 'node:crypto';
import type { Request } from 'express';
import type { Registry } from 'prom-client';
import { Access } from '../auth/access.decorator';
import { Public } from '../auth/public.decorator';
import { APP_CONFIG, type AppConfig } from '../config';
import { OperationsService } from './operations.service';
import { operationsRegistry } from './prometheus';

@Controller('health')
export class HealthDetailsController {
  constructor(private readonly operations: OperationsService) {}

  /** Overdue journeys and messages, failures after retries, slow enrollment, engine processes. Any reader. */
  @Access('read')
  @Get('details')
  details() {
    return this.operations.report();
  }
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * `GET /metrics` (outside /api, where scrapers look): Prometheus text. Behind its own bearer token, METRICS_TOKEN,
 * so a scraper never holds an API key (unset → refused), like receipts behind PROVIDER_STATUS_SECRET.
 */
@Controller('metrics')
export class PrometheusController {
  private readonly registry: Registry;

  constructor(
    operations: OperationsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.registry = operationsRegistry(() => operations.report());
  }

  @Public()
  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  async metrics(@Req() req: Request): Promise<string> {
    const expected = this.config.METRICS_TOKEN;
    if (!expected) throw new UnauthorizedException('metrics are off: set METRICS_TOKEN and scrape with Authorization: Bearer <it>');
    const given = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '';
    if (!timingSafeEqual(digest(given), digest(expected)))
      throw new UnauthorizedException('Authorization: Bearer <METRICS_TOKEN> is required');
    return this.registry.metrics();
  }
}
