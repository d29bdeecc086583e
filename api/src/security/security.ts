/**
 * HTTP hardening applied to the whole app at boot: security headers (helmet: CSP, nosniff, frame-ancestors, referrer
 * policy…) on the editor and every answer; CORS closed unless CORS_ORIGINS lists origins; rate limits on sign-in
 * and ingestion (rate-limit.ts).
 */
import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import helmet from 'helmet';
import type { AppConfig } from '../config';
import { rateLimitMiddleware, RequestRateLimits } from './rate-limit';

/** What the ingestion edge applies itself, being outside Express: the same header middleware and the same limits. */
export interface SecurityLayer {
  headers: ReturnType<typeof helmet>;
  limits: RequestRateLimits;
}

export function applySecurity(
  app: INestApplication,
  config: Pick<AppConfig, 'CORS_ORIGINS' | 'RATE_LIMIT_INGEST' | 'TRUST_PROXY'>,
): SecurityLayer {
  const layer: SecurityLayer = {
    headers: helmet(),
    limits: new RequestRateLimits({ ingestPerMinute: config.RATE_LIMIT_INGEST }),
  };
  // client addresses (rate limits, audit) through the proxies the operator runs, and no further
  if (config.TRUST_PROXY !== undefined) (app as NestExpressApplication).set('trust proxy', config.TRUST_PROXY);
  app.use(layer.headers);
  // no CORS headers at all by default: a browser page on another origin cannot call the API with a user's session
  if (config.CORS_ORIGINS.length) app.enableCors({ origin: config.CORS_ORIGINS, credentials: true });
  app.use(rateLimitMiddleware(layer.limits));
  return layer;
}
