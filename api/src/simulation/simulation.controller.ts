import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { Access } from '../auth/access.decorator';
import { UuidOr404Pipe } from '../common/ids';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import { simulateBody, SimulateBody } from './simulation.dto';
import { SimulationService } from './simulation.service';

/** What-if runs: start one (202 with a job id), then poll its progress and report. Nothing is sent or stored. */
@Controller('flows')
export class SimulationController {
  constructor(private readonly simulations: SimulationService) {}

  @Access('design')
  @Post(':id/simulate')
  @HttpCode(202)
  start(@Param('id', new UuidOr404Pipe('flow')) id: string, @Body(new ZodValidationPipe(simulateBody)) body: SimulateBody) {
    return this.simulations.start(id, body);
  }

  @Access('read')
  @Get(':id/simulations/:jobId')
  get(@Param('id', new UuidOr404Pipe('flow')) id: string, @Param('jobId', new UuidOr404Pipe('simulation')) jobId: string) {
    return this.simulations.get(id, jobId);
  }
}
