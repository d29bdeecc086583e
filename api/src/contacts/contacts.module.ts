import { Module } from '@nestjs/common';
import { SettingsModule } from '../settings/settings.module';
import { ContactsController, EventsController } from './contacts.controller';
import { ContactsRepository } from './contacts.repository';
import { ContactsService, EventsService } from './contacts.service';
import { EventsRepository } from './events.repository';

@Module({
  imports: [SettingsModule],
  controllers: [ContactsController, EventsController],
  providers: [ContactsRepository, EventsRepository, ContactsService, EventsService],
  exports: [ContactsRepository],
})
export class ContactsModule {}
