/**
 * The Prometheus view of the operations report (prom-client, one registry per app): gauges computed at scrape time.
 */
import { Gauge, Registry } from 'prom-client';
import type { OperationsReport } from './operations.service';

export function operationsRegistry(report: () => Promise<OperationsReport>): Registry {
  const registry = new Registry();
  let current: Promise<OperationsReport> | null = null;
  // one report per scrape, shared by every gauge's collect()
  const latest = () => (current ??= report().finally(() => setTimeout(() => (current = null), 0)));
  const gauge = (name: string, help: string, value: (r: OperationsReport) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      async collect() {
        this.set(value(await latest()));
      },
    });
  gauge(
    'boomerang_journeys_overdue',
    'Waiting journeys of active flows due longer ago than OVERDUE_AFTER_SECONDS',
    (r) => r.journeys.overdue,
  );
  gauge('boomerang_messages_overdue', 'Queued messages due longer ago than OVERDUE_AFTER_SECONDS', (r) => r.messages.overdue);
  gauge('boomerang_messages_failed_after_retries', 'Messages failed after every attempt', (r) => r.messages.failedAfterRetries);
  gauge(
    'boomerang_messages_failed_after_retries_last_day',
    'Messages failed after every attempt in the last day (engine clock)',
    (r) => r.messages.failedAfterRetriesLastDay,
  );
  gauge(
    'boomerang_receipts_unmatched',
    'Provider receipts kept longer than OVERDUE_AFTER_SECONDS with no message carrying their provider id',
    (r) => r.receipts.unmatched,
  );
  gauge(
    'boomerang_flows_enrollment_slow',
    'Active flows with trigger events waiting longer than OVERDUE_AFTER_SECONDS',
    (r) => r.enrollment.slowFlows,
  );
  gauge('boomerang_engine_processes_alive', 'Engine processes whose heartbeat is newer than ENGINE_ALIVE_SECONDS', (r) => r.engine.alive);
  new Gauge({
    name: 'boomerang_engine_seconds_since_heartbeat',
    help: 'Wall seconds since each engine process last ticked',
    labelNames: ['process'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const p of (await latest()).engine.processes) this.set({ process: p.id }, p.secondsSinceSeen);
    },
  });
  for (const [name, help, field] of [
    [
      'boomerang_send_rate_limit_sent',
      'Messages sent in the current window of each provider rate limit (SEND_RATE_LIMITS)',
      'sentInWindow',
    ],
    ['boomerang_send_rate_limit_backlog', 'Due messages of a rate-limited channel waiting for room', 'backlog'],
  ] as const)
    new Gauge({
      name,
      help,
      labelNames: ['channel', 'limit'],
      registers: [registry],
      async collect() {
        this.reset();
        for (const l of (await latest()).rateLimits ?? []) this.set({ channel: l.channel, limit: `${l.limit}/${l.per}` }, l[field]);
      },
    });
  return registry;
}
