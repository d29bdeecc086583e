import { Module } from '@nestjs/common';
import { ContactsController, EventsController } from './contacts.controller';
import { ContactsRepository } from './contacts.repository';
import { ContactsService, EventsService } from './contacts.service';

@Module({
  controllers: [ContactsController, EventsController],
  providers: [ContactsRepository, ContactsService, EventsService],
  exports: [ContactsRepository, ContactsService, EventsService],
})
export class ContactsModule {}
