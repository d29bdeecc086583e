import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { Access, Caller } from '../auth/access.decorator';
import type { Principal } from '../auth/principal';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import { listContactEventsQuery, ListContactEventsQuery, listContactsQuery, ListContactsQuery } from './contacts.dto';
import { ContactsService, EventsService } from './contacts.service';

/** Batch bodies are validated item by item in the service: a bad item is rejected, the rest are stored. */
@Controller('contacts')
export class ContactsController {
  constructor(private readonly contacts: ContactsService) {}

  @Access('ingest')
  @Post()
  @HttpCode(200)
  upsert(@Body() body: unknown) {
    return this.contacts.upsert(body);
  }

  @Access('read')
  @Get()
  list(@Query(new ZodValidationPipe(listContactsQuery)) query: ListContactsQuery, @Caller() caller: Principal) {
    return this.contacts.list(query, caller);
  }

  @Access('read')
  @Get(':externalId/events')
  events(
    @Param('externalId') externalId: string,
    @Query(new ZodValidationPipe(listContactEventsQuery)) query: ListContactEventsQuery,
    @Caller() caller: Principal,
  ) {
    return this.contacts.events(externalId, query, caller);
  }

  @Access('read')
  @Get(':externalId')
  get(@Param('externalId') externalId: string, @Caller() caller: Principal) {
    return this.contacts.get(externalId, caller);
  }
}

@Controller('events')
export class EventsController {
  constructor(private readonly events: EventsService) {}

  @Access('ingest')
  @Post()
  @HttpCode(200)
  ingest(@Body() body: unknown) {
    return this.events.ingest(body);
  }
}
