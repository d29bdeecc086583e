import { Controller, Get, Query } from '@nestjs/common';
import { Access, Caller } from '../auth/access.decorator';
import type { Principal } from '../auth/principal';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import { messagesQuery, MessagesQuery } from './messages.dto';
import { MessagesService } from './messages.service';

@Controller('messages')
export class MessagesController {
  constructor(private readonly messages: MessagesService) {}

  /** Sent and queued messages with their status: the sandbox inbox. */
  @Access('read')
  @Get()
  list(@Query(new ZodValidationPipe(messagesQuery)) query: MessagesQuery, @Caller() caller: Principal) {
    return this.messages.list(query, caller);
  }
}
