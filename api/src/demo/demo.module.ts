import { Module } from '@nestjs/common';
import { ContactsModule } from '../contacts/contacts.module';
import { DemoRepository } from './demo.repository';
import { DemoService } from './demo.service';

/** The demo workspace: seeding an empty database and the DEMO_TRAFFIC behaviour generator (started by main.ts). */
@Module({ imports: [ContactsModule], providers: [DemoRepository, DemoService], exports: [DemoService] })
export class DemoModule {}
