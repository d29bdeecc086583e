/**
 * `npm run bench:dispatch -- --channel push --messages 50000 [--concurrency 64] [--batch 1000]`
 *
 * Queues N messages of one channel in a throw-away database (DATABASE_URL's server, else embedded PostgreSQL), then
 * times the real dispatcher (claim with SKIP LOCKED → adapter → record status and journey log) draining them through
 * the live adapter to a loopback provider stub in a child process (HTTP for push/sms/webhook, an SMTP sink for
 * email). Prints messages/s delivered (what the stub counted), the dispatcher's own rate, and peak RSS.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { Pool } from 'pg';
import {
  buildChannelAdapters,
  defaultDispatchOptions,
  dispatchOnce,
  type ChannelSettings,
  ENGINE_SESSION_OPTIONS,
} from '@boomerang/engine/runtime';
import type { ChannelKind } from '@boomerang/engine';
import { connectAndMigrate, createDataSource } from '../api/src/database/data-source';
import { arg, createBenchDatabase } from './bench-database';

const channelArg = (() => {
  const i = process.argv.indexOf('--channel');
  return (i >= 0 ? process.argv[i + 1] : 'push') as ChannelKind;
})();

async function startStub(
  kind: 'http' | 'smtp',
): Promise<{ child: ChildProcessWithoutNullStreams; port: number; received(): Promise<number> }> {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', `${__dirname}/provider-stub.ts`, kind], { stdio: 'pipe' });
  const lines = createInterface({ input: child.stdout });
  const next = () => once(lines, 'line').then(([line]) => JSON.parse(line as string));
  const { port } = await next();
  return {
    child,
    port,
    async received() {
      const reply = next();
      child.kill('SIGUSR2');
      return (await reply).received as number;
    },
  };
}

function settingsFor(channel: ChannelKind, port: number): ChannelSettings {
  const base = { publicUrl: 'http://localhost:3000', timeoutMs: 10_000 };
  switch (channel) {
    case 'email':
      return {
        ...base,
        smtp: { url: `smtp://127.0.0.1:${port}`, from: 'bench@boomerang.test', maxConnections: arg('smtp-connections', 5) },
      };
    case 'push':
      return { ...base, fcm: { url: `http://127.0.0.1:${port}/v1/projects/bench/messages:send`, token: 'bench-token' } };
    case 'sms':
      return { ...base, sms: { url: `http://127.0.0.1:${port}/Messages.json`, account: 'AC', token: 't', from: '+1' } };
    case 'webhook':
      // the stub lives on loopback, which webhooks reach only when allowed (WEBHOOK_ALLOW_NETWORKS)
      return { ...base, webhook: { secret: 'bench-secret-0123456789' }, allowNetworks: ['127.0.0.1/32'] };
  }
}

async function main(): Promise<void> {
  const channel = channelArg;
  if (!['email', 'push', 'sms', 'webhook'].includes(channel))
    throw new Error(`--channel: one of email, push, sms, webhook (got ${channel})`);
  const total = arg('messages', 50_000);
  const concurrency = arg('concurrency', channel === 'email' ? 16 : 64);
  const batchSize = arg('batch', 1000);

  const stub = await startStub(channel === 'email' ? 'smtp' : 'http');
  const database = await createBenchDatabase('dispatch');
  const dataSource = createDataSource(database.url);
  await connectAndMigrate(dataSource);
  await dataSource.destroy();
  const db = new Pool({ connectionString: database.url, max: 4, options: ENGINE_SESSION_OPTIONS });
  db.on('error', () => undefined); // DROP DATABASE … WITH (FORCE) at the end terminates idle connections
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 200);
  const built = buildChannelAdapters(settingsFor(channel, stub.port));
  try {
    // N contacts, one journey and one queued message each (what a tick's batches leave in the outbox)
    const now = new Date('2026-03-02T12:00:00Z');
    const flow = await db.query<{ id: string }>(
      `INSERT INTO flows (name, status, current_version, live_version, settings, activated_at) VALUES ('bench', 'active', 1, 1, '{}', $1) RETURNING id`,
      [now],
    );
    const flowId = flow.rows[0].id;
    await db.query(`INSERT INTO flow_versions (flow_id, version, graph, frozen_at) VALUES ($1, 1, '{"nodes":[],"edges":[]}', now())`, [
      flowId,
    ]);
    const content =
      channel === 'email'
        ? { subject: 'We miss you', html: '<p>Hello there, your cart is waiting.</p>', text: 'Hello there, your cart is waiting.' }
        : channel === 'webhook'
          ? { url: `http://127.0.0.1:${stub.port}/hook`, body: '{"event":"winback"}' }
          : channel === 'sms'
            ? { body: 'Hello there, your cart is waiting.' }
            : { title: 'We miss you', body: 'Your cart is waiting', url: 'https://shop.example/cart' };
    const seedStarted = Date.now();
    await db.query(
      `INSERT INTO contacts (external_id, attributes, consent, timezone, created_at, updated_at)
       SELECT 'b' || g, jsonb_build_object('email', 'b' || g || '@example.com', 'pushToken', 'tok' || g, 'phone', '+1555' || g),
              '{"email":true,"push":true,"sms":true}', 'UTC', $2, $2 FROM generate_series(1, $1) g`,
      [total, now],
    );
    await db.query(
      `INSERT INTO journeys (flow_id, flow_version, contact_id, state, current_node_id, entered_at, ended_at)
       SELECT $1, 1, c.id, 'completed', 'm', $2, $2 FROM contacts c`,
      [flowId, now],
    );
    await db.query(
      `INSERT INTO messages (idempotency_key, journey_id, flow_id, flow_version, contact_id, node_id, channel, content, next_attempt_at, created_at)
       SELECT j.id || ':1', j.id, j.flow_id, 1, j.contact_id, 'm', $2, $3, $4, $4 FROM journeys j WHERE j.flow_id = $1`,
      [flowId, channel, JSON.stringify(content), now],
    );
    await db.query('ANALYZE');
    console.log(
      `queued ${total} ${channel} messages in ${((Date.now() - seedStarted) / 1000).toFixed(1)} s; dispatching (concurrency ${concurrency}, batch ${batchSize})`,
    );

    const options = { ...defaultDispatchOptions, adapters: built.adapters, concurrency, batchSize };
    const started = process.hrtime.bigint();
    let sent = 0;
    let failed = 0;
    let rounds = 0;
    for (;;) {
      const round = await dispatchOnce(db, now, options);
      if (!round.claimed) break;
      rounds++;
      sent += round.sent;
      failed += round.failed + round.retried;
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const received = await stub.received();
    clearInterval(sampler);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    console.log(
      JSON.stringify({
        channel,
        messages: total,
        sent,
        failedOrRetried: failed,
        providerReceived: received,
        rounds,
        seconds: Number(seconds.toFixed(2)),
      }),
    );
    console.log(`${channel}: ${Math.round(received / seconds).toLocaleString('en')} messages/s delivered to the loopback provider`);
    console.log(`peak RSS of the dispatcher process: ${Math.round(peakRss / 1024 / 1024)} MiB`);
    if (received !== total || sent !== total) process.exitCode = 1;
  } finally {
    clearInterval(sampler);
    await built.close();
    await db.end();
    stub.child.kill('SIGTERM');
    await database.dispose(process.argv.includes('--keep'));
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
