import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { z } from 'zod';
import { pickWinnerBody } from '@boomerang/engine/core/views/experiments';
import { Access, Caller } from '../auth/access.decorator';
import type { Principal } from '../auth/principal';
import { UuidOr404Pipe } from '../common/ids';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import { ExperimentsService } from './experiments.service';

const flowId = new UuidOr404Pipe('flow');

/** Experiments of a flow's live version: where each stands, and the marketer's pick (an operator's action: it goes live). */
@Controller('flows')
export class ExperimentsController {
  constructor(private readonly experiments: ExperimentsService) {}

  @Access('read')
  @Get(':id/experiments')
  list(@Param('id', flowId) id: string) {
    return this.experiments.forFlow(id);
  }

  @Access('operate')
  @Post(':id/experiments/:nodeId/winner')
  @HttpCode(200)
  pick(
    @Param('id', flowId) id: string,
    @Param('nodeId') nodeId: string,
    @Body(new ZodValidationPipe(pickWinnerBody)) body: z.output<typeof pickWinnerBody>,
    @Caller() caller: Principal,
  ) {
    return this.experiments.pick(id, nodeId, body.arm, caller);
  }
}
