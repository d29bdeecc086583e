import { DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditModule } from './audit/audit.module';
import { AuditWriterModule } from './common/audit-writer';
import { AuthModule } from './auth/auth.module';
import { EngineBridgeModule } from './engine/engine-bridge.module';
import { ContactsModule } from './contacts/contacts.module';
import { DemoModule } from './demo/demo.module';
import { DocsModule } from './docs/docs.module';
import { ExportsModule } from './exports/exports.module';
import { APP_CONFIG, AppConfig } from './config';
import { EngineModule } from './engine/engine.module';
import { FlowsModule } from './flows/flows.module';
import { ExperimentsModule } from './experiments/experiments.module';
import { HealthModule } from './health/health.module';
import { ImportsModule } from './imports/imports.module';
import { JourneysModule } from './journeys/journeys.module';
import { MessagesModule } from './messages/messages.module';
import { MetricsModule } from './metrics/metrics.module';
import { OperationsModule } from './operations/operations.module';
import { ProvidersModule } from './providers/providers.module';
import { TemplatesModule } from './templates/templates.module';
import { TopicsModule } from './topics/topics.module';
import { SchemaModule } from './schema/schema.module';
import { SegmentModule } from './segment/segment.module';
import { SettingsModule } from './settings/settings.module';
import { SimulationModule } from './simulation/simulation.module';
import { TrackingModule } from './tracking/tracking.module';

@Global()
@Module({})
class ConfigModule {
  static register(config: AppConfig): DynamicModule {
    return { module: ConfigModule, providers: [{ provide: APP_CONFIG, useValue: config }], exports: [APP_CONFIG] };
  }
}

/**
 * The HTTP application. The DataSource is created, migrated and owned by `main.ts` (or a test), so the app never
 * decides schema matters on its own.
 */
@Module({})
export class AppModule {
  static register(config: AppConfig, dataSource: DataSource): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.register(config),
        TypeOrmModule.forRootAsync({
          useFactory: () => ({ ...dataSource.options }),
          dataSourceFactory: async () => dataSource,
        }),
        AuthModule,
        HealthModule,
        EngineModule,
        EngineBridgeModule,
        AuditWriterModule,
        AuditModule,
        SettingsModule,
        FlowsModule,
        ContactsModule,
        JourneysModule,
        MessagesModule,
        MetricsModule,
        TrackingModule,
        ProvidersModule,
        TemplatesModule,
        SchemaModule,
        DocsModule,
        DemoModule,
        ExportsModule,
        SimulationModule,
        ImportsModule,
        OperationsModule,
        ExperimentsModule,
        SegmentModule,
        TopicsModule,
      ],
    };
  }
}
