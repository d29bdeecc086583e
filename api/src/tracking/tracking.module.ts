import { MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { urlencoded } from 'express';
import { TrackingController } from './tracking.controller';
import { TrackingRepository } from './tracking.repository';
import { SubscriptionLinks } from './subscription-links';

/** RFC 8058 one-click and the confirmation page POST `application/x-www-form-urlencoded`; only these routes parse it. */
@Module({ controllers: [TrackingController], providers: [TrackingRepository, SubscriptionLinks], exports: [SubscriptionLinks] })
export class TrackingModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(urlencoded({ extended: false, limit: '16kb' })).forRoutes({ path: 't/u/*path', method: RequestMethod.POST });
  }
}
