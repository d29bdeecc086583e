import { ApiHarness, startApi, adminRequests } from '../support/api-app';

/**
 * The enrollment faults a new user met, replayed through HTTP on the virtual clock (issue #8):
 * an event-triggered flow enrolled nobody when events carried the clock's current instant, and a brand-new contact
 * with no activity was "inactive for 7 days" at once because `created_at` was wall time.
 */
let api: ApiHarness;
const START = new Date('2027-05-03T10:00:00Z');

const { post } = adminRequests(() => api);
const advance = (by: string) => post('/api/clock/advance', { by }).expect(201);
const journeysOf = async (externalId: string) =>
  (await api.http().get(`/api/contacts/${externalId}/journeys`).set('Authorization', api.admin).expect(200)).body.items as {
    flowId: string;
  }[];

const signupGraph = {
  nodes: [
    { id: 'signup', type: 'trigger', position: { x: 0, y: 0 }, data: { kind: 'event', event: 'signed_up' } },
    {
      id: 'hello',
      type: 'channel',
      position: { x: 0, y: 120 },
      data: { channel: 'email', template: { subject: 'Welcome', text: 'Hi {{firstName}}' } },
    },
  ],
  edges: [{ id: 'e1', source: 'signup', target: 'hello' }],
};

beforeAll(async () => {
  api = await startApi('api_enrollment', { CLOCK: 'virtual' });
  await api.sql(`INSERT INTO engine_clock (id, now) VALUES (1, $1)`, [START]);
});
afterAll(() => api.close());

describe('enrollment through HTTP on the virtual clock', () => {
  it('enrols every contact whose event arrives at the clock instant of the last tick', async () => {
    const flow = (await post('/api/flows', { name: 'Welcome', graph: signupGraph, settings: { holdoutPercent: 0 } }).expect(201)).body;
    await post(`/api/flows/${flow.id}/activate`).expect(200);
    await advance('PT1H');
    const ids = ['s1', 's2', 's3', 's4'];
    const ingest = await post(
      '/api/events',
      ids.map((externalId) => ({ externalId, name: 'signed_up' })),
    ).expect(200);
    expect(ingest.body).toEqual({ accepted: 4, rejected: [] });
    await advance('P1D');
    for (const id of ids) expect((await journeysOf(id)).map((j) => j.flowId)).toEqual([flow.id]);
  });

  it('counts a never-active contact inactive from when the engine clock saw it created', async () => {
    const flow = (await post('/api/flows', { name: 'Check-in', templateId: 'weekly-checkin', settings: { holdoutPercent: 0 } }).expect(201))
      .body;
    await post(`/api/flows/${flow.id}/activate`).expect(200);
    await post('/api/contacts', [{ externalId: 'newcomer', consent: { push: true }, attributes: { pushToken: 'tok' } }]).expect(200);
    const contact = (await api.http().get('/api/contacts/newcomer').set('Authorization', api.admin).expect(200)).body;
    const clock = (await api.http().get('/api/clock').set('Authorization', api.admin).expect(200)).body;
    expect(contact.createdAt).toBe(clock.now);
    await advance('P6D');
    expect(await journeysOf('newcomer')).toEqual([]);
    await advance('P2D');
    expect((await journeysOf('newcomer')).map((j) => j.flowId)).toEqual([flow.id]);
  });
});
