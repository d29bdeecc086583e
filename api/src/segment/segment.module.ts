import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { ContactsModule } from '../contacts/contacts.module';
import { TopicsModule } from '../topics/topics.module';
import { SegmentService } from './segment.service';

/** Segment's HTTP Tracking API; served by `segment-edge.ts` in front of Express (no Nest routes: Segment's protocol). */
@Module({
  imports: [AuthModule, ContactsModule, TopicsModule],
  providers: [SegmentService],
  exports: [SegmentService],
})
export class SegmentModule {}
