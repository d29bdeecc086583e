import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { Access, Caller } from '../auth/access.decorator';
import type { Principal } from '../auth/principal';
import { UuidOr404Pipe } from '../common/ids';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import {
  createFlowBody,
  CreateFlowBody,
  getFlowQuery,
  GetFlowQuery,
  listFlowsQuery,
  ListFlowsQuery,
  publishFlowBody,
  PublishFlowBody,
  revertFlowBody,
  RevertFlowBody,
  updateFlowBody,
  UpdateFlowBody,
  validateFlowBody,
  ValidateFlowBody,
} from './flows.dto';
import { FlowsService } from './flows.service';

const flowId = new UuidOr404Pipe('flow');

@Controller('flows')
export class FlowsController {
  constructor(private readonly flows: FlowsService) {}

  @Access('design')
  @Post()
  create(@Body(new ZodValidationPipe(createFlowBody)) body: CreateFlowBody, @Caller() caller: Principal) {
    return this.flows.create(body, caller);
  }

  @Access('read')
  @Get()
  list(@Query(new ZodValidationPipe(listFlowsQuery)) query: ListFlowsQuery) {
    return this.flows.list(query);
  }

  @Access('read')
  @Get(':id')
  get(@Param('id', flowId) id: string, @Query(new ZodValidationPipe(getFlowQuery)) query: GetFlowQuery) {
    return this.flows.view(id, query.version);
  }

  @Access('design')
  @Put(':id')
  update(@Param('id', flowId) id: string, @Body(new ZodValidationPipe(updateFlowBody)) body: UpdateFlowBody, @Caller() caller: Principal) {
    return this.flows.update(id, body, caller);
  }

  /** Edits the draft: on an active flow a new, not yet live version (publish it with POST :id/publish). */
  @Access('design')
  @Put(':id/draft')
  saveDraft(
    @Param('id', flowId) id: string,
    @Body(new ZodValidationPipe(updateFlowBody)) body: UpdateFlowBody,
    @Caller() caller: Principal,
  ) {
    return this.flows.update(id, body, caller, 'draft');
  }

  @Access('read')
  @Get(':id/publish-preview')
  publishPreview(@Param('id', flowId) id: string) {
    return this.flows.publishPreview(id);
  }

  /** A change reaching live contacts: `operate`, as activate and pause (issue 20). */
  @Access('operate')
  @Post(':id/publish')
  @HttpCode(200)
  publish(
    @Param('id', flowId) id: string,
    @Body(new ZodValidationPipe(publishFlowBody)) body: PublishFlowBody,
    @Caller() caller: Principal,
  ) {
    return this.flows.publish(id, body, caller);
  }

  @Access('read')
  @Get(':id/history')
  history(@Param('id', flowId) id: string) {
    return this.flows.history(id);
  }

  @Access('design')
  @Post(':id/revert')
  @HttpCode(200)
  revert(@Param('id', flowId) id: string, @Body(new ZodValidationPipe(revertFlowBody)) body: RevertFlowBody, @Caller() caller: Principal) {
    return this.flows.revert(id, body.version, caller);
  }

  /** How many contacts would enter now (the engine's enrollment statement, rolled back). */
  @Access('read')
  @Post(':id/estimate')
  @HttpCode(200)
  estimate(@Param('id', flowId) id: string) {
    return this.flows.estimate(id);
  }

  @Access('read')
  @Post(':id/validate')
  @HttpCode(200)
  validate(@Param('id', flowId) id: string, @Body(new ZodValidationPipe(validateFlowBody)) body: ValidateFlowBody) {
    return this.flows.validate(id, body.graph);
  }

  @Access('operate')
  @Post(':id/activate')
  @HttpCode(200)
  activate(@Param('id', flowId) id: string, @Caller() caller: Principal) {
    return this.flows.activate(id, caller);
  }

  @Access('operate')
  @Post(':id/pause')
  @HttpCode(200)
  pause(@Param('id', flowId) id: string, @Caller() caller: Principal) {
    return this.flows.pause(id, caller);
  }

  /** A draft that never went live is deleted; 409 for anything else (archive it). */
  @Access('design')
  @Delete(':id')
  @HttpCode(204)
  async remove(@Param('id', flowId) id: string, @Caller() caller: Principal): Promise<void> {
    await this.flows.deleteDraft(id, caller);
  }

  @Access('operate')
  @Post(':id/archive')
  @HttpCode(200)
  archive(@Param('id', flowId) id: string, @Caller() caller: Principal) {
    return this.flows.archive(id, caller);
  }
}

@Controller('flow-templates')
export class FlowTemplatesController {
  constructor(private readonly flows: FlowsService) {}

  @Access('read')
  @Get()
  list() {
    return this.flows.templates();
  }
}

/** Per-flow counts for the flows list: journeys entered and converted in the last 7 days, journeys live now. */
@Controller('flow-stats')
export class FlowStatsController {
  constructor(private readonly flows: FlowsService) {}

  @Access('read')
  @Get()
  list() {
    return this.flows.stats();
  }
}
