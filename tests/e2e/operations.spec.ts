/**
 * The operations view: `/api/health/details` counts overdue journeys, slow enrollment and live engine processes;
 * `/metrics` (prom-client) exposes the same to a Prometheus scrape behind METRICS_TOKEN.
 */
import { Pool } from 'pg';
import { Engine, SystemClock, ingestEventRows } from '@boomerang/engine/runtime';
import { ApiHarness, startApi } from '../support/api-app';
import { createActiveFlow, seedContacts, sendThenWaitGraph } from '../support/engine-fixtures';

const METRICS_TOKEN = 'metrics-token-0123456789';
let api: ApiHarness;
let pool: Pool;

beforeAll(async () => {
  api = await startApi('operations', { METRICS_TOKEN, OVERDUE_AFTER_SECONDS: '60' });
  pool = new Pool({ connectionString: api.db.url, max: 2 });
});
afterAll(async () => {
  await pool?.end();
  await api?.close();
});

it('counts overdue journeys, slow enrollment and engine processes, at /api/health/details and /metrics', async () => {
  const hourAgo = new Date(Date.now() - 3_600_000);
  // 4 journeys enrolled an hour ago and never advanced since (no engine ran): overdue
  await seedContacts(pool, 4, { prefix: 'o' });
  await createActiveFlow(pool, sendThenWaitGraph(), { name: 'overdue flow' });
  const engine = new Engine({ db: pool, clock: new SystemClock(), heartbeat: { id: 'test-engine' } });
  expect(await engine.enroll(hourAgo)).toBe(4);
  // an event-triggered flow whose received events wait an hour for enrollment
  const slow = await createActiveFlow(pool, sendThenWaitGraph({ kind: 'event', event: 'signed_up' }), { name: 'slow flow' });
  await ingestEventRows(pool, [{ e: 'o0', n: 'signed_up', t: hourAgo.toISOString(), p: {} }], hourAgo, {
    createContactsOnEvent: false,
    nonActivityEvents: [],
  });

  let details = (await api.http().get('/api/health/details').set('Authorization', api.admin).expect(200)).body;
  expect(details.journeys.overdue).toBe(4);
  expect(details.enrollment).toEqual({ slowFlows: 1, flows: [expect.objectContaining({ flowId: slow, name: 'slow flow', waiting: 1 })] });
  expect(details.engine.alive).toBe(0);

  // one engine tick: it advances everything, enrolls the waiting event and writes its heartbeat
  await engine.tick(new Date());
  details = (
    await api
      .http()
      .get('/api/health/details')
      .set('Authorization', await api.userToken('viewer'))
      .expect(200)
  ).body;
  expect(details.journeys.overdue).toBe(0);
  expect(details.enrollment.slowFlows).toBe(0);
  expect(details.engine.alive).toBe(1);
  expect(details.engine.processes[0]).toMatchObject({ id: 'test-engine', alive: true, ticks: 1, lastError: null });
  expect(details.messages).toEqual({ overdue: 0, failedAfterRetries: 0, failedAfterRetriesLastDay: 0 });

  // Prometheus scrape
  await api.http().get('/metrics').expect(401);
  await api.http().get('/metrics').set('Authorization', api.admin).expect(401); // an API key is not the metrics token
  const scrape = await api.http().get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`).expect(200);
  expect(scrape.headers['content-type']).toMatch(/^text\/plain/);
  const value = (name: string) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(scrape.text)?.[1]);
  expect(scrape.text).toMatch(/# TYPE boomerang_journeys_overdue gauge/);
  expect(value('boomerang_journeys_overdue')).toBe(0);
  expect(value('boomerang_engine_processes_alive')).toBe(1);
  expect(value('boomerang_flows_enrollment_slow')).toBe(0);
  expect(value('boomerang_messages_failed_after_retries')).toBe(0);
  expect(scrape.text).toMatch(/boomerang_engine_seconds_since_heartbeat\{process="test-engine"\} \d/);
});
