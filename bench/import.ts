/**
 * CSV import benchmark: `npm run bench:import -- [--rows 1000000] [--contacts 50000] [--bad-every 100000]`.
 * Writes an events CSV of N rows to a temporary file (streamed), starts the real app (ENGINE=off) on its own database
 * (DATABASE_URL's server, embedded PostgreSQL when unset), and uploads the file to `POST /api/imports/events` as one
 * streamed request from a SECOND process (so the server's memory is measured alone). Prints rows/s, the server's peak
 * RSS (sampled every 100 ms and `maxRSS`), and the first lines of the rejected rows report (every `bad-every`th row
 * has no event name).
 */
import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiKeysRepository } from '../api/src/auth/api-keys.repository';
import { ensureAdminApiKey } from '../api/src/auth/bootstrap-api-key';
import { createApp } from '../api/src/bootstrap';
import { loadConfig } from '../api/src/config';
import { connectAndMigrate, createDataSource } from '../api/src/database/data-source';
import { freePort } from '../api/src/database/free-port';
import { arg, createBenchDatabase } from './bench-database';

async function writeCsv(file: string, rows: number, contacts: number, badEvery: number): Promise<void> {
  const out = createWriteStream(file);
  const names = ['app_open', 'page_view', 'order_paid', 'cart_updated'];
  const t0 = Date.parse('2026-10-01T00:00:00Z');
  out.write('externalId,name,occurredAt,properties,amount\n');
  let chunk = '';
  for (let i = 1; i <= rows; i++) {
    const name = i % badEvery === 0 ? '' : names[i % names.length];
    chunk += `u${(i * 7919) % contacts},${name},${new Date(t0 + i * 1000).toISOString()},"{""n"":${i}}",${i % 100}\n`;
    if (chunk.length > 1 << 16) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'close');
}

/** The child: streams the file as one request body and reads the NDJSON progress. */
async function client(base: string, key: string, file: string): Promise<void> {
  const size = statSync(file).size;
  const started = performance.now();
  const lines: string[] = [];
  await new Promise<void>((resolve, reject) => {
    const req = request(`${base}/api/imports/events`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'text/csv', 'Content-Length': size },
    });
    req.on('response', (res) => {
      let buffer = '';
      res.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        let nl: number;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, nl);
          buffer = buffer.slice(nl + 1);
          lines.push(line);
          const p = JSON.parse(line) as { rows: number; percent: number };
          process.stderr.write(`\r  ${p.percent}%  ${p.rows.toLocaleString('en')} rows`);
        }
      });
      res.on('end', () => resolve());
      res.on('error', reject);
    });
    req.on('error', reject);
    createReadStream(file).pipe(req);
  });
  process.stderr.write('\n');
  const last = JSON.parse(lines[lines.length - 1]) as Record<string, unknown>;
  const report = await fetch(`${base}${last.rejectedReport}`, { headers: { Authorization: `Bearer ${key}` } });
  const head = (await report.text()).split('\r\n').slice(0, 4);
  process.stdout.write(`REPORT ${JSON.stringify({ ...last, seconds: (performance.now() - started) / 1000, size, reportHead: head })}\n`);
}

async function server(): Promise<void> {
  const rows = arg('rows', 1_000_000);
  const contacts = arg('contacts', 50_000);
  const badEvery = arg('bad-every', 100_000);
  const dir = mkdtempSync(join(tmpdir(), 'boomerang-import-'));
  const file = join(dir, 'events.csv');
  await writeCsv(file, rows, contacts, badEvery);
  const database = await createBenchDatabase('import');
  const dataSource = createDataSource(database.url, { poolSize: 10 });
  try {
    await connectAndMigrate(dataSource);
    const key = 'bench-admin-key-0123456789abcdef';
    const port = await freePort();
    const config = loadConfig({
      DATABASE_URL: database.url,
      ENGINE: 'off',
      API_KEY: key,
      LOG_LEVEL: 'error',
      PORT: String(port),
      DATA_DIR: dir,
    });
    const app = await createApp(config, dataSource);
    await ensureAdminApiKey(app.get(ApiKeysRepository), key, dir);
    await app.listen(port, '127.0.0.1');
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);

    const child = spawn(process.execPath, ['-r', '@swc-node/register', __filename, '--client', `http://127.0.0.1:${port}`, key, file], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    clearInterval(sampler);
    const [{ n }] = await dataSource.query(`SELECT count(*)::int AS n FROM events`);
    await app.close();
    const line = output.split('\n').find((l) => l.startsWith('REPORT '));
    if (code !== 0 || !line) throw new Error(`client exited with ${code}: ${output}`);
    const r = JSON.parse(line.slice(7)) as {
      rows: number;
      accepted: number;
      rejected: number;
      seconds: number;
      size: number;
      elapsedMs: number;
      reportHead: string[];
    };
    const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
    console.log(
      [
        `import: ${r.rows.toLocaleString('en')} CSV rows (${mib(r.size)}) in ${r.seconds.toFixed(1)} s, one streamed request from a separate process`,
        `  ${Math.round(r.rows / r.seconds).toLocaleString('en')} rows/s; accepted ${r.accepted.toLocaleString('en')}, rejected ${r.rejected}; rows in events: ${n.toLocaleString('en')}`,
        `  server RSS: before ${mib(baseline)}, peak ${mib(peak)} (sampled every 100 ms); maxRSS ${mib(process.resourceUsage().maxRSS * 1024)}`,
        `  rejected rows report: ${r.reportHead.join(' | ')}`,
      ].join('\n'),
    );
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    await database.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

const clientIndex = process.argv.indexOf('--client');
(clientIndex >= 0 ? client(process.argv[clientIndex + 1], process.argv[clientIndex + 2], process.argv[clientIndex + 3]) : server()).catch(
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
