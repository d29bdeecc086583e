/**
 * A fresh embedded `npm start` (DEMO defaults to on there): the four demo flows are active and their counts move
 * within a minute with DEMO_TRAFFIC on; a second start of the same data directory does not seed again.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../api/src/database/free-port';
import { startServer, waitForOutput } from '../support/process';

const plain = (text: string) => text.replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'), '');
const KEY = 'demo-start-key-0123456789abcdef';

async function entered(base: string): Promise<number[]> {
  const headers = { Authorization: `Bearer ${KEY}` };
  const flows = (await (await fetch(`${base}/api/flows`, { headers })).json()) as { items: { id: string }[] };
  const counts: number[] = [];
  for (const flow of flows.items)
    counts.push(((await (await fetch(`${base}/api/flows/${flow.id}/metrics`, { headers })).json()) as { entered: number }).entered);
  return counts;
}

describe('npm start with the demo', () => {
  it('seeds the demo into a fresh embedded database, counts move within a minute, and a restart does not seed again', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'boomerang-demo-start-'));
    try {
      const port = await freePort();
      const base = `http://127.0.0.1:${port}`;
      const env = { DATA_DIR: dataDir, PORT: String(port), API_KEY: KEY, TICK_CRON: '*/2 * * * * *' };
      const first = startServer(env);
      await waitForOutput(first, /demo traffic on/, 180_000);
      expect(plain(first.output())).toMatch(/demo workspace seeded: 5000 contacts, \d+ events, 4 active flows/);
      const flows = (await (await fetch(`${base}/api/flows`, { headers: { Authorization: `Bearer ${KEY}` } })).json()) as {
        items: { status: string }[];
      };
      expect(flows.items.map((f) => f.status)).toEqual(['active', 'active', 'active', 'active']);
      await new Promise((resolve) => setTimeout(resolve, 4_000));
      const before = await entered(base);
      let after = before;
      for (let i = 0; i < 30 && after.reduce((a, b) => a + b, 0) <= before.reduce((a, b) => a + b, 0); i++) {
        await new Promise((resolve) => setTimeout(resolve, 2_000));
        after = await entered(base);
      }
      expect(after.reduce((a, b) => a + b, 0)).toBeGreaterThan(before.reduce((a, b) => a + b, 0));
      expect(await first.stop('SIGINT')).toBe(0);

      const second = startServer({ ...env, DEMO_TRAFFIC: 'off' });
      await waitForOutput(second, /Boomerang is listening on/, 120_000);
      expect(plain(second.output())).not.toMatch(/demo workspace seeded/);
      expect(await second.stop('SIGINT')).toBe(0);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 300_000);
});
