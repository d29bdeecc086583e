import { MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { urlencoded } from 'express';
import { ProvidersController } from './providers.controller';

/** Twilio-style status callbacks are form-encoded; only this route parses forms. */
@Module({ controllers: [ProvidersController] })
export class ProvidersModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(urlencoded({ extended: false, limit: '64kb' })).forRoutes({ path: 'providers/*path', method: RequestMethod.POST });
  }
}
