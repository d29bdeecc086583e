import { BadRequestException, Body, ConflictException, Controller, Get, Inject, Post } from '@nestjs/common';
import { z } from 'zod';
import { VirtualClock, type Clock } from '@boomerang/engine/runtime';
import { Access } from '../auth/access.decorator';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import { CLOCK } from './engine.tokens';
import { EngineService } from './engine.service';

import { advanceBody } from './clock.dto';
import type { AdvanceView, ClockView } from '@boomerang/engine/core/views/operations';

/**
 * `GET /api/clock` → {now}; `POST /api/clock/advance {"by":"P7D"}` or `{"to":"2030-01-01T09:00:00Z"}` plays time
 * forward (CLOCK=virtual only).
 */
@Controller('clock')
export class ClockController {
  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly engine: EngineService,
  ) {}

  @Access('read')
  @Get()
  async now(): Promise<ClockView> {
    return { now: (await this.clock.now()).toISOString(), kind: this.clock.kind };
  }

  /** Moving time moves every journey: an operator's action, like activating a flow. */
  @Access('operate')
  @Post('advance')
  async advance(@Body(new ZodValidationPipe(advanceBody)) body: z.output<typeof advanceBody>): Promise<AdvanceView> {
    if (!(this.clock instanceof VirtualClock)) {
      throw new ConflictException('the clock is not virtual: start the server with CLOCK=virtual to advance time');
    }
    let report;
    if (body.to !== undefined) {
      const now = await this.clock.now();
      const to = new Date(body.to);
      if (to < now)
        throw new BadRequestException(`to: ${body.to} is before the clock's now (${now.toISOString()}); time only moves forward`);
      report = await this.engine.engine.runUntil(this.clock, to);
    } else {
      report = await this.engine.engine.advanceClock(this.clock, body.by!);
    }
    return { now: report.now.toISOString(), ticks: report.ticks, steps: report.steps, sent: report.sent };
  }
}
