import { Module } from '@nestjs/common';
import { ContactsModule } from '../contacts/contacts.module';
import { ImportsController } from './imports.controller';
import { ImportsService } from './imports.service';

@Module({ imports: [ContactsModule], controllers: [ImportsController], providers: [ImportsService] })
export class ImportsModule {}
