import { MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { urlencoded } from 'express';
import { PreferencesPageController, TopicsController } from './topics.controller';
import { TopicsRepository } from './topics.repository';
import { TopicsService } from './topics.service';
import { TrackingModule } from '../tracking/tracking.module';

/** Subscription topics: the API routes and the preference page (its form POSTs `application/x-www-form-urlencoded`). */
@Module({
  imports: [TrackingModule],
  controllers: [TopicsController, PreferencesPageController],
  providers: [TopicsRepository, TopicsService],
  exports: [TopicsService],
})
export class TopicsModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(urlencoded({ extended: false, limit: '16kb' })).forRoutes({ path: 't/p/*path', method: RequestMethod.POST });
  }
}
