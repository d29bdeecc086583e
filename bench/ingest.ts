/**
 * Ingest benchmark: `npm run bench:ingest -- [--seconds 20] [--concurrency 4] [--contacts 10000] [--batch 1000]
 * [--format native|segment]`. The parent process starts the real app (ENGINE=off) on its own database (on
 * DATABASE_URL's server, embedded PostgreSQL in .boomerang-bench when unset); a SECOND process (a child) upserts the
 * contacts, then posts events in batches of 1,000 with a few requests in flight for N seconds and reports events per
 * second and latencies. `--format segment` then runs the same load as Segment `track` batches on `POST /v1/batch`
 * (each message with its own messageId and the SDK's `context.library`), on the same server and database, and prints
 * both figures and their ratio.
 */
import { spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { ApiKeysRepository } from '../api/src/auth/api-keys.repository';
import { ensureAdminApiKey } from '../api/src/auth/bootstrap-api-key';
import { createApp } from '../api/src/bootstrap';
import { loadConfig } from '../api/src/config';
import { connectAndMigrate, createDataSource } from '../api/src/database/data-source';
import { arg, createBenchDatabase } from './bench-database';
import { freePort } from '../api/src/database/free-port';

interface ClientReport {
  events: number;
  requests: number;
  seconds: number;
  /** CPU time of the load generator over the timed phase, ms */
  clientCpuMs: number;
  p50ms: number;
  p95ms: number;
  rejected: number;
}

/**
 * One POST over a kept-alive connection. node:http rather than fetch: fetch cost the load generator ~1.1 ms of CPU per
 * request here, more than the server it measures, on the same two cores.
 */
function post(agent: Agent, url: URL, headers: Record<string, string>, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', agent, headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** `--format`: native (`POST /api/events`) or segment (native, then `POST /v1/batch`, in one run). */
function format(): 'native' | 'segment' {
  const i = process.argv.indexOf('--format');
  const value = i >= 0 ? process.argv[i + 1] : 'native';
  if (value !== 'native' && value !== 'segment') throw new Error(`--format: native or segment, not ${value}`);
  return value;
}

/** The child: pure HTTP load, nothing shared with the server process. */
async function client(base: string, key: string): Promise<void> {
  const seconds = arg('seconds', 20);
  const concurrency = arg('concurrency', 4);
  const contacts = arg('contacts', 10_000);
  const batch = arg('batch', 1000);
  // segment: native and Segment rounds alternate (--rounds, default 3 each), so both meet the same table sizes and
  // whatever else the machine is doing meanwhile
  const rounds = format() === 'segment' ? arg('rounds', 3) : 1;
  const phases = Array.from({ length: rounds }, (_, r) =>
    (format() === 'segment' ? ['native', 'segment'] : ['native']).map((f) => `${f}-${r + 1}`),
  ).flat();
  const headers = { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' };
  for (let i = 0; i < contacts; i += 5000) {
    const body = Array.from({ length: Math.min(5000, contacts - i) }, (_, k) => ({
      externalId: `u${i + k}`,
      timezone: 'Europe/Paris',
      attributes: { plan: 'free' },
    }));
    const res = await fetch(`${base}/api/contacts`, { method: 'POST', headers, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`contacts: ${res.status} ${await res.text()}`);
  }
  const names = ['app_open', 'page_view', 'order_paid', 'cart_updated'];
  const t0 = Date.parse('2026-11-01T00:00:00Z');
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  for (const phase of phases) {
    const kind = phase.split('-')[0];
    // a few distinct pre-serialised bodies: the client measures the server, not JSON.stringify. Segment's carry a
    // placeholder in every messageId, replaced by the request's number: each request's messages are new ones
    const bodies = Array.from({ length: 8 }, (_, b) => {
      const items = Array.from({ length: batch }, (_, k) => {
        const n = b * batch + k;
        const occurredAt = new Date(t0 + n * 1000).toISOString();
        return kind === 'native'
          ? { externalId: `u${(n * 7919) % contacts}`, name: names[n % names.length], occurredAt, properties: { n } }
          : {
              type: 'track',
              userId: `u${(n * 7919) % contacts}`,
              event: names[n % names.length],
              timestamp: occurredAt,
              properties: { n },
              messageId: `m${n}-@@`,
              context: { library: { name: '@segment/analytics-node', version: '3.1.0' } },
            };
      });
      return (kind === 'native' ? JSON.stringify(items) : JSON.stringify({ batch: items })).split('@@');
    });
    const url = new URL(`${base}${kind === 'native' ? '/api/events' : '/v1/batch'}`);
    const phaseHeaders = kind === 'native' ? headers : { ...headers, Authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}` };
    const latencies: number[] = [];
    let events = 0;
    let rejected = 0;
    let requests = 0;
    // the server starts its CPU meter on this line: the contacts above are not part of the figure
    process.stdout.write(`START ${phase}\n`);
    const cpuAtStart = process.cpuUsage();
    const start = performance.now();
    const deadline = start + seconds * 1000;
    await Promise.all(
      Array.from({ length: concurrency }, async (_, worker) => {
        for (let i = worker; performance.now() < deadline; i += concurrency) {
          const sent = performance.now();
          const res = await post(agent, url, phaseHeaders, bodies[i % bodies.length].join(String(i)));
          if (res.status < 200 || res.status > 299) throw new Error(`${phase}: ${res.status} ${res.text}`);
          const result = JSON.parse(res.text) as { accepted: number; rejected: unknown[] };
          latencies.push(performance.now() - sent);
          events += result.accepted;
          rejected += result.rejected.length;
          requests++;
        }
      }),
    );
    const elapsed = (performance.now() - start) / 1000;
    const cpu = process.cpuUsage(cpuAtStart);
    latencies.sort((a, b) => a - b);
    const report: ClientReport = {
      events,
      requests,
      seconds: elapsed,
      clientCpuMs: (cpu.user + cpu.system) / 1000,
      p50ms: latencies[Math.floor(latencies.length * 0.5)],
      p95ms: latencies[Math.floor(latencies.length * 0.95)],
      rejected,
    };
    process.stdout.write(`REPORT ${phase} ${JSON.stringify(report)}\n`);
  }
  agent.destroy();
}

async function server(): Promise<void> {
  const database = await createBenchDatabase('ingest');
  const url = database.url;
  const dataSource = createDataSource(url, { poolSize: 10 });
  try {
    await connectAndMigrate(dataSource);
    const key = 'bench-admin-key-0123456789abcdef';
    const port = await freePort();
    const config = loadConfig({ DATABASE_URL: url, ENGINE: 'off', API_KEY: key, LOG_LEVEL: 'error', PORT: String(port) });
    const app = await createApp(config, dataSource);
    await ensureAdminApiKey(app.get(ApiKeysRepository), key, '.boomerang-bench');
    await app.listen(port, '127.0.0.1');

    const child = spawn(
      process.execPath,
      ['-r', '@swc-node/register', __filename, '--client', `http://127.0.0.1:${port}`, key, ...process.argv.slice(2)],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let output = '';
    const cpuAt = new Map<string, NodeJS.CpuUsage>();
    const cpuUsed = new Map<string, number>();
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      for (const match of output.matchAll(/^(START|REPORT) ([\w-]+)/gm)) {
        const [, mark, phase] = match;
        if (mark === 'START' && !cpuAt.has(phase)) cpuAt.set(phase, process.cpuUsage());
        if (mark === 'REPORT' && !cpuUsed.has(phase)) {
          const used = process.cpuUsage(cpuAt.get(phase));
          cpuUsed.set(phase, (used.user + used.system) / 1000);
        }
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    const [{ n }] = await dataSource.query(`SELECT count(*)::int AS n FROM events`);
    await app.close(); // closes the DataSource too
    const reports = new Map<string, ClientReport>();
    for (const line of output.split('\n')) {
      const match = /^REPORT ([\w-]+) (.*)$/.exec(line);
      if (match) reports.set(match[1], JSON.parse(match[2]) as ClientReport);
    }
    if (code !== 0 || !reports.size) throw new Error(`client exited with ${code}: ${output}`);
    const rate = (r: ClientReport) => r.events / r.seconds;
    const totals = new Map<string, { events: number; seconds: number }>();
    for (const [phase, report] of reports) {
      const kind = phase.split('-')[0];
      const serverCpuMs = cpuUsed.get(phase) ?? NaN;
      console.log(
        [
          `ingest ${phase} (${kind === 'native' ? 'native batch, POST /api/events' : 'Segment batch, POST /v1/batch'}): ${report.events.toLocaleString('en')} events in ${report.seconds.toFixed(1)} s from a separate process`,
          `  ${Math.round(rate(report)).toLocaleString('en')} events/s (${report.requests} requests of ${arg('batch', 1000)}, ${arg('concurrency', 4)} in flight)`,
          `  latency per batch: p50 ${report.p50ms.toFixed(0)} ms, p95 ${report.p95ms.toFixed(0)} ms; rejected ${report.rejected}`,
          `  CPU per request: server ${(serverCpuMs / report.requests).toFixed(3)} ms, load generator ${(report.clientCpuMs / report.requests).toFixed(3)} ms`,
        ].join('\n'),
      );
      const total = totals.get(kind) ?? { events: 0, seconds: 0 };
      totals.set(kind, { events: total.events + report.events, seconds: total.seconds + report.seconds });
    }
    const native = totals.get('native');
    const segment = totals.get('segment');
    if (native && segment) {
      const [n, s] = [native.events / native.seconds, segment.events / segment.seconds];
      console.log(
        `native ${Math.round(n).toLocaleString('en')} events/s, Segment ${Math.round(s).toLocaleString('en')} events/s over all rounds: Segment at ${((100 * s) / n).toFixed(0)} % of the native batch figure`,
      );
    }
    console.log(`  rows in events: ${n.toLocaleString('en')}`);
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    await database.dispose();
  }
}

const clientIndex = process.argv.indexOf('--client');
(clientIndex >= 0 ? client(process.argv[clientIndex + 1], process.argv[clientIndex + 2]) : server()).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
