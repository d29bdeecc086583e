import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { Access, Caller } from '../auth/access.decorator';
import type { Principal } from '../auth/principal';
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
