import 'reflect-metadata';
import { ConsoleLogger, INestApplication, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DataSource } from 'typeorm';
import { AppModule } from './app.module';
import { jsonBody, refuseNulInPath } from './common/json-body';
import { installIngestionEdge } from './contacts/ingestion-edge';
import type { AppConfig } from './config';
import { serveEditor } from './editor-static/serve-editor';
import { installSegmentEdge } from './segment/segment-edge';
import { applySecurity } from './security/security';

/** Large enough for a batch of 10,000 events with small properties; batches are capped at 10,000 items anyway. */
export const BODY_LIMIT = '20mb';

const logLevels: Record<AppConfig['LOG_LEVEL'], LogLevel[]> = {
  error: ['fatal', 'error'],
  warn: ['fatal', 'error', 'warn'],
  log: ['fatal', 'error', 'warn', 'log'],
  debug: ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'],
};

/** Nest's ~70 "Mapped {/api/…}" lines at start bury what matters; they are shown only with LOG_LEVEL=debug. */
class StartupLogger extends ConsoleLogger {
  private static readonly routeContexts = new Set(['RoutesResolver', 'RouterExplorer']);
  log(message: unknown, ...rest: unknown[]): void {
    const context = rest[rest.length - 1];
    if (typeof context === 'string' && StartupLogger.routeContexts.has(context)) {
      if (this.isLevelEnabled('debug')) super.debug(message, ...rest);
      return;
    }
    super.log(message, ...rest);
  }
}

/** Builds the Nest application on an already migrated DataSource; used by `main.ts` and by the e2e tests. */
export async function createApp(config: AppConfig, dataSource: DataSource): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.register(config, dataSource), {
    logger: new StartupLogger('Nest', { logLevels: logLevels[config.LOG_LEVEL] }),
    bodyParser: false,
  });
  // tracking links live outside /api so that they stay short and unauthenticated
  // tracking links and Prometheus' /metrics live outside /api
  // API answers change with every read (journeys move on each tick): a SHA-1 ETag of every JSON body buys no 304 and
  // cost single-event ingestion ~5 % of the server's CPU; the editor's static files keep serve-static's own ETags
  app.set('etag', false);
  app.setGlobalPrefix('api', { exclude: ['t/{*path}', 'metrics'] });
  // security headers, CORS (closed unless CORS_ORIGINS), sign-in and ingestion rate limits
  const security = applySecurity(app, config);
  // malformed JSON → 400 and oversized bodies → 413, as JSON naming the problem (not Express's HTML page)
  app.use(jsonBody(BODY_LIMIT));
  app.use(refuseNulInPath);
  // the browser editor at `/` once built (`npm run build:editor`; `npm start` builds it when stale)
  serveEditor(app);
  // Segment's HTTP Tracking API (/v1/*) for the Segment and RudderStack SDKs (segment/segment-edge.ts)
  installSegmentEdge(app, security);
  // single-event ingestion without Express's per-request cost (same parts, same answers; see the file)
  installIngestionEdge(app, security, BODY_LIMIT);
  return app;
}
