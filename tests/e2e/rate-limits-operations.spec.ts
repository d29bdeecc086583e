/**
 * A provider rate limit through the whole app (SEND_RATE_LIMITS) on the virtual clock: the operations view shows the
 * limit's current rate and the backlog waiting behind it, and `POST /api/clock/advance` plays the backlog out at the
 * limit's pace (it steps to the instants the limit has room again, not millisecond by millisecond).
 */
import { ApiHarness, startApi, adminRequests } from '../support/api-app';

let api: ApiHarness;
const METRICS_TOKEN = 'metrics-token-0123456789abcdef';
const START = new Date('2027-05-03T10:00:00Z');
const { post } = adminRequests(() => api);

beforeAll(async () => {
  api = await startApi('rate_limits_ops', { CLOCK: 'virtual', SEND_RATE_LIMITS: 'sms=2/m', METRICS_TOKEN });
  await api.sql(`INSERT INTO engine_clock (id, now) VALUES (1, $1)`, [START]);
});
afterAll(() => api.close());

it('shows the rate and the backlog, and sends the backlog 2 a minute', async () => {
  const graph = {
    nodes: [
      { id: 't', type: 'trigger', position: { x: 0, y: 0 }, data: { kind: 'event', event: 'go' } },
      { id: 'm', type: 'channel', position: { x: 0, y: 100 }, data: { channel: 'sms', template: { body: 'Hi' } } },
    ],
    edges: [{ id: 'e1', source: 't', target: 'm' }],
  };
  const flow = (await post('/api/flows', { name: 'SMS', graph, settings: { holdoutPercent: 0 } }).expect(201)).body;
  await post(`/api/flows/${flow.id}/activate`).expect(200);
  const ids = ['a', 'b', 'c', 'd', 'e'];
  await post(
    '/api/contacts',
    ids.map((externalId, i) => ({ externalId, consent: { sms: true }, attributes: { phone: `+1555000000${i}` } })),
  ).expect(200);
  await post(
    '/api/events',
    ids.map((externalId) => ({ externalId, name: 'go' })),
  ).expect(200);
  await post('/api/clock/advance', { by: 'PT1S' }).expect(201);

  const details = (await api.http().get('/api/health/details').set('Authorization', api.admin).expect(200)).body;
  expect(details.rateLimits).toEqual([{ channel: 'sms', limit: 2, per: 'm', sentInWindow: 2, backlog: 3 }]);
  const prometheus = (await api.http().get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`).expect(200)).text;
  expect(prometheus).toContain('boomerang_send_rate_limit_sent{channel="sms",limit="2/m"} 2');
  expect(prometheus).toContain('boomerang_send_rate_limit_backlog{channel="sms",limit="2/m"} 3');

  const advanced = (await post('/api/clock/advance', { by: 'PT3M' }).expect(201)).body;
  expect(advanced.ticks).toBeLessThan(50);
  const sent = (await api.sql<{ sent_at: Date }>(`SELECT sent_at FROM messages ORDER BY sent_at`)).map((r) => r.sent_at.getTime());
  expect(sent).toHaveLength(5);
  expect(sent[2] - sent[0]).toBeGreaterThanOrEqual(60_000);
  expect(sent[4] - sent[2]).toBeGreaterThanOrEqual(60_000);
  const after = (await api.http().get('/api/health/details').set('Authorization', api.admin).expect(200)).body;
  expect(after.rateLimits[0].backlog).toBe(0);
});
