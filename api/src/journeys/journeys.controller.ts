import { Controller, Get, Param, Query } from '@nestjs/common';
import { Access, Caller } from '../auth/access.decorator';
import type { Principal } from '../auth/principal';
import { UuidOr404Pipe } from '../common/ids';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import { flowJourneysQuery, FlowJourneysQuery } from './journeys.dto';
import { JourneysService } from './journeys.service';

/** The journey audit: "why did this user get this?" */
@Controller()
export class JourneysController {
  constructor(private readonly journeys: JourneysService) {}

  /** Every journey of the contact with its full ordered log. */
  @Access('read')
  @Get('contacts/:externalId/journeys')
  forContact(@Param('externalId') externalId: string, @Caller() caller: Principal) {
    return this.journeys.forContact(externalId, caller);
  }

  /** A flow's journeys (without logs), filtered by state, current node and version; opaque cursors. */
  @Access('read')
  @Get('flows/:id/journeys')
  forFlow(
    @Param('id', new UuidOr404Pipe('flow')) id: string,
    @Query(new ZodValidationPipe(flowJourneysQuery)) query: FlowJourneysQuery,
    @Caller() caller: Principal,
  ) {
    return this.journeys.forFlow(id, query, caller);
  }

  @Access('read')
  @Get('journeys/:id')
  one(@Param('id', new UuidOr404Pipe('journey')) id: string, @Caller() caller: Principal) {
    return this.journeys.one(id, caller);
  }
}
