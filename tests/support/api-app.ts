import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { ApiKeysRepository } from '../../api/src/auth/api-keys.repository';
import { ensureAdminApiKey } from '../../api/src/auth/bootstrap-api-key';
import { createApp } from '../../api/src/bootstrap';
import { subscriptionLinkToken } from '@boomerang/engine/core/link-token';
import { loadConfig } from '../../api/src/config';
import { createMigratedDatabase, MigratedDatabase } from './database';
import { ViewCheckInterceptor } from './view-check';

export const ADMIN_KEY = 'test-admin-key-0123456789abcdef';

/** The database an app runs on: its URL and connected DataSource; `close` releases what the harness owns of it. */
export type ApiDatabase = Pick<MigratedDatabase, 'url' | 'dataSource' | 'close'>;

export interface ApiHarness {
  db: ApiDatabase;
  app: INestApplication;
  /** supertest against the in-process server */
  http: () => ReturnType<typeof request>;
  /** `Authorization` header value for the admin key */
  admin: string;
  sql<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  /** the signed token of a message's unsubscribe and preference links, as the engine makes it at `at` (default: its clock's now) */
  linkToken(messageId: string, at?: Date): Promise<string>;
  /** creates a user with the role and returns a session bearer header for it */
  userToken(role: 'admin' | 'editor' | 'viewer', email?: string): Promise<string>;
  /** creates a flow through the API and activates it (as the admin); returns its id */
  activeFlow(name: string, graph: unknown): Promise<string>;
  /** creates an API key with the scopes and returns its bearer header */
  keyToken(scopes: ('admin' | 'ingest')[]): Promise<string>;
  /** closes the app and the database; throws when an answer left its documented view (tests/support/view-check.ts) */
  close(): Promise<void>;
}

/** Requests as the admin, for specs that assign their harness in a hook (hence the getter). */
export function adminRequests(harness: () => ApiHarness) {
  const asAdmin = (test: request.Test) => test.set('Authorization', harness().admin);
  return {
    get: (path: string) => asAdmin(harness().http().get(path)),
    post: (path: string, body?: unknown) => asAdmin(harness().http().post(path)).send(body as object),
    put: (path: string, body: unknown) => asAdmin(harness().http().put(path)).send(body as object),
  };
}

/** The real app in-process on a fresh migrated database; ENGINE=off so nothing moves unless a test moves it. */
export async function startApi(label: string, env: Record<string, string> = {}): Promise<ApiHarness> {
  return startApiOn(await createMigratedDatabase(label), env);
}

/** The real app in-process on a database already migrated (the Citus coordinator: tests/citus/api.spec.ts); ENGINE=off. */
export async function startApiOn(db: ApiDatabase, env: Record<string, string> = {}): Promise<ApiHarness> {
  // sign-in limit raised: a test file signs many users in from 127.0.0.1 (security.spec.ts tests the limit itself)
  const config = loadConfig({
    DATABASE_URL: db.url,
    ENGINE: 'off',
    API_KEY: ADMIN_KEY,
    LOG_LEVEL: 'error',
    RATE_LIMIT_LOGIN: '1000',
    ...env,
  });
  const app = await createApp(config, db.dataSource);
  const views = new ViewCheckInterceptor();
  app.useGlobalInterceptors(views);
  await app.init();
  // what main.ts does at start with API_KEY set
  await ensureAdminApiKey(app.get(ApiKeysRepository), ADMIN_KEY, '.boomerang-test-unused');
  const admin = `Bearer ${ADMIN_KEY}`;
  const http = () => request(app.getHttpServer());
  let users = 0;
  return {
    db,
    app,
    http,
    admin,
    sql: (text, params) => db.dataSource.query(text, params),
    async linkToken(messageId, at) {
      const [stored] = await db.dataSource.query(`SELECT key FROM link_keys WHERE id = 1`);
      const [clock] = await db.dataSource.query(`SELECT now FROM engine_clock WHERE id = 1`);
      return subscriptionLinkToken(
        { key: config.LINK_SECRET ?? stored.key, ttlDays: config.LINK_TTL_DAYS },
        messageId,
        at ?? clock?.now ?? new Date(),
      );
    },
    async userToken(role, email = `${role}${++users}@example.com`) {
      const password = 'correct horse battery';
      await http().post('/api/users').set('Authorization', admin).send({ email, password, role }).expect(201);
      const login = await http().post('/api/auth/login').send({ email, password }).expect(200);
      return `Bearer ${login.body.token}`;
    },
    async activeFlow(name, graph) {
      const flow = await http().post('/api/flows').set('Authorization', admin).send({ name, graph }).expect(201);
      await http().post(`/api/flows/${flow.body.id}/activate`).set('Authorization', admin).expect(200);
      return flow.body.id as string;
    },
    async keyToken(scopes) {
      const res = await http()
        .post('/api/api-keys')
        .set('Authorization', admin)
        .send({ name: scopes.join('+'), scopes })
        .expect(201);
      return `Bearer ${res.body.key}`;
    },
    async close() {
      await app.close();
      await db.close();
      if (views.drifts.length) throw new Error(`answers outside their documented views:\n${views.drifts.join('\n')}`);
    },
  };
}
