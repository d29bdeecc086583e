import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Public } from '../auth/public.decorator';
import type { HealthView } from '@boomerang/engine/core/views/operations';

@Controller('health')
export class HealthController {
  constructor(private readonly dataSource: DataSource) {}

  /** ok only when the database answers: a load balancer should not route to a process that cannot work */
  @Public()
  @Get()
  async health(): Promise<HealthView> {
    try {
      await this.dataSource.query('SELECT 1');
    } catch (error) {
      throw new ServiceUnavailableException(`database unreachable: ${(error as Error).message}`);
    }
    return { status: 'ok' };
  }
}
