/**
 * Serves the built editor (`editor/dist`) at `/` when it exists: hashed assets with a long cache, and `index.html`
 * (never cached) for every other GET that is not under `/api` or `/t` — the editor routes in the URL hash, but a
 * deep link or a refresh must still land on the app. `/api/*` and `/t/*` are never touched.
 */
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const defaultEditorDist = resolve(__dirname, '..', '..', '..', 'editor', 'dist');

/** Paths the API owns: `/api`, `/api/…`, `/t/…`, `/metrics`. */
export function isApiPath(path: string): boolean {
  return path === '/api' || path.startsWith('/api/') || path === '/t' || path.startsWith('/t/') || path === '/metrics';
}

/** Returns whether the editor is served (false when it has not been built). */
export function serveEditor(app: NestExpressApplication, dist = defaultEditorDist): boolean {
  const index = join(dist, 'index.html');
  if (!existsSync(index)) return false;
  const assets = app.getHttpAdapter().getInstance() as { use: (...args: unknown[]) => void };
  app.useStaticAssets(join(dist, 'assets'), { prefix: '/assets/', immutable: true, maxAge: '1y', fallthrough: false });
  app.useStaticAssets(dist, { index: false, maxAge: '1h' });
  assets.use((req: Request, res: Response, next: NextFunction) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || isApiPath(req.path)) return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
  return true;
}
