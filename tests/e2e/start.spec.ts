import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { freePort } from '../../api/src/database/free-port';
import { createTestDatabase } from '../support/database';
import { startServer, waitForOutput } from '../support/process';

// Strips ANSI colours from Nest's logger output.
const plain = (text: string) => text.replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'), '');

describe('npm start', () => {
  it('with no DATABASE_URL runs embedded PostgreSQL, answers /api/health, and a second start finds the first one’s data', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'boomerang-start-'));
    try {
      const port = await freePort();
      const env = { DATA_DIR: dataDir, PORT: String(port), ENGINE: 'off', DEMO: 'off' };

      // the first start goes through `npm start` exactly as the README says, editor build included
      const first = startServer(env, 'npm');
      await waitForOutput(first, /Boomerang is listening on/);
      const health = await fetch(`http://127.0.0.1:${port}/api/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'ok' });
      const editor = await fetch(`http://127.0.0.1:${port}/`);
      expect(await editor.text()).toMatch(/<title>Boomerang<\/title>/);
      // the generated key is in DATA_DIR/api-key, never in the log
      const firstKey = readFileSync(join(dataDir, 'api-key'), 'utf8').trim();
      expect(firstKey).toMatch(/^bk_/);
      expect(plain(first.output())).toContain(
        `admin API key (generated): in ${join(resolve(dataDir), 'api-key')} (${firstKey.slice(0, 8)}…)`,
      );
      expect(first.output()).not.toContain(firstKey);
      expect(await first.stop('SIGINT')).toBe(0);

      const second = startServer(env);
      await waitForOutput(second, /Boomerang is listening on/);
      // "stored" is only printed when the key's hash is found in the database the first start wrote
      expect(plain(second.output())).toContain(`admin API key (stored): in ${join(resolve(dataDir), 'api-key')}`);
      expect(second.output()).not.toContain(firstKey);
      expect(plain(second.output())).not.toMatch(/applied migrations/);
      expect(await second.stop('SIGINT')).toBe(0);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('with DATABASE_URL uses that server and migrates it', async () => {
    const database = await createTestDatabase('start_external');
    const dataDir = mkdtempSync(join(tmpdir(), 'boomerang-start-'));
    try {
      const port = await freePort();
      const server = startServer({
        DATABASE_URL: database.url,
        DATA_DIR: dataDir,
        PORT: String(port),
        ENGINE: 'off',
        API_KEY: 'test-key-0123456789abcdef',
      });
      await waitForOutput(server, /Boomerang is listening on/);
      expect((await fetch(`http://127.0.0.1:${port}/api/health`)).status).toBe(200);
      expect(await server.stop()).toBe(0);
      const client = new Client({ connectionString: database.url });
      await client.connect();
      const { rows } = await client.query('SELECT name FROM schema_migrations');
      const keys = await client.query('SELECT prefix, scopes FROM api_keys');
      await client.end();
      expect(rows.length).toBeGreaterThan(0);
      // an operator's API_KEY is listed by a fingerprint of its hash, never by its first characters (issue 20)
      expect(keys.rows).toEqual([{ prefix: expect.stringMatching(/^#[0-9a-f]{7}$/), scopes: ['admin'] }]);
    } finally {
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('stops with a message naming the variable when configuration is bad', async () => {
    const server = startServer({ PORT: 'eighty', TICK_CRON: 'every minute' });
    expect(await server.exited).toBe(1);
    expect(server.output()).toMatch(/PORT: /);
    expect(server.output()).toMatch(/TICK_CRON: is not a valid cron expression/);
  });
});
