import { ApiHarness, startApi } from '../support/api-app';

/**
 * The whole product through HTTP on a virtual clock: the default template, real enrollment, guardrails, the check-in
 * loop and the audit, with the engine driven by `POST /api/clock/advance` only.
 *
 *   u-returns : inactive → win-back push → app_open within 3 days → weekly check-ins (not active yet)
 *   u-silent  : inactive → win-back push → no return → second attempt by email → completed
 *   u-active  : active every day → never enrolled
 */
let api: ApiHarness;
const START = new Date('2027-03-01T00:00:00Z'); // a Monday, 00:00 UTC: inside quiet hours
const days = (n: number) => new Date(START.getTime() + n * 86_400_000).toISOString();

const advance = (by: string) => api.http().post('/api/clock/advance').set('Authorization', api.admin).send({ by }).expect(201);
const messagesOf = async (externalId: string) =>
  (await api.http().get(`/api/messages?externalId=${externalId}`).set('Authorization', api.admin).expect(200)).body.items as {
    channel: string;
    status: string;
    nodeId: string;
    sentAt: string;
  }[];

beforeAll(async () => {
  api = await startApi('api_clock', { CLOCK: 'virtual' });
  await api.sql(`INSERT INTO engine_clock (id, now) VALUES (1, $1)`, [START]);
  // no holdout, so every contact's path is deterministic
  const flow = await api
    .http()
    .post('/api/flows')
    .set('Authorization', api.admin)
    .send({ name: 'Weekly check-in', templateId: 'weekly-checkin', settings: { holdoutPercent: 0 } })
    .expect(201);
  await api.http().post(`/api/flows/${flow.body.id}/activate`).set('Authorization', api.admin).expect(200);
  const contact = (externalId: string) => ({
    externalId,
    timezone: 'UTC',
    consent: { push: true, email: true },
    attributes: { firstName: externalId, email: `${externalId}@example.com`, pushToken: `tok-${externalId}` },
  });
  await api
    .http()
    .post('/api/contacts')
    .set('Authorization', api.admin)
    .send(['u-returns', 'u-silent', 'u-active'].map(contact))
    .expect(200);
  const history = [
    ...['u-returns', 'u-silent'].map((externalId) => ({ externalId, name: 'app_open', occurredAt: days(-10) })),
    ...[-3, -2, -1].map((d) => ({ externalId: 'u-active', name: 'app_open', occurredAt: days(d) })),
  ];
  const ingest = await api.http().post('/api/events').set('Authorization', api.admin).send(history).expect(200);
  expect(ingest.body).toEqual({ accepted: history.length, rejected: [] });
});
afterAll(() => api.close());

describe('virtual clock through HTTP', () => {
  it('reads the clock for any role, and only operators may move it', async () => {
    const viewer = await api.userToken('viewer');
    const editor = await api.userToken('editor');
    const read = await api.http().get('/api/clock').set('Authorization', viewer).expect(200);
    expect(read.body).toEqual({ now: START.toISOString(), kind: 'virtual' });
    await api.http().post('/api/clock/advance').set('Authorization', editor).send({ by: 'P1D' }).expect(403);
    const bad = await api.http().post('/api/clock/advance').set('Authorization', api.admin).send({ by: 'a week' }).expect(400);
    expect(bad.body.message).toMatch(/^by: /);
    const unknown = await api.http().post('/api/clock/advance').set('Authorization', api.admin).send({ by: 'P1D', x: 1 }).expect(400);
    expect(JSON.stringify(unknown.body)).toMatch(/x/);
    // {"to"}: an instant instead of a duration; never both, never backwards
    const post = (body: object) => api.http().post('/api/clock/advance').set('Authorization', api.admin).send(body);
    expect((await post({ by: 'P1D', to: '2030-01-01T00:00:00Z' }).expect(400)).body.message).toMatch(/either "by".*or "to"/);
    expect((await post({}).expect(400)).body.message).toMatch(/either "by".*or "to"/);
    expect((await post({ to: 'next tuesday' }).expect(400)).body.message).toMatch(/^to: must be an ISO 8601 instant/);
    expect((await post({ to: '2000-01-01T00:00:00Z' }).expect(400)).body.message).toMatch(/^to: .* is before the clock's now/);
    expect((await api.http().get('/api/clock').set('Authorization', viewer).expect(200)).body.now).toBe(START.toISOString());
  });

  it('plays the weekly check-in: quiet hours, return, check-ins, second attempt, audit log', async () => {
    // day 0: enrolled at 00:00, held by quiet hours until 09:00 local, then the win-back push
    await advance('PT12H');
    for (const id of ['u-returns', 'u-silent']) {
      expect(await messagesOf(id)).toEqual([expect.objectContaining({ channel: 'push', status: 'delivered', nodeId: 'winback' })]);
      expect((await messagesOf(id))[0].sentAt).toBe(new Date(START.getTime() + 9 * 3600_000).toISOString());
    }
    expect(await messagesOf('u-active')).toEqual([]);

    // u-returns opens the app a day later (occurredAt defaults to the engine clock)
    await advance('P1D');
    await api
      .http()
      .post('/api/events')
      .set('Authorization', api.admin)
      .send([{ externalId: 'u-returns', name: 'app_open' }])
      .expect(200);

    // three more weeks: u-returns gets one check-in a week; u-silent got the second attempt by e-mail and is done
    await advance('P21D');
    const returned = await messagesOf('u-returns');
    expect(returned.map((m) => m.nodeId).sort()).toEqual(['checkin', 'checkin', 'checkin', 'winback']);
    const silent = await messagesOf('u-silent');
    expect(silent.map((m) => [m.nodeId, m.channel])).toEqual(
      expect.arrayContaining([
        ['winback', 'push'],
        ['second', 'email'],
      ]),
    );
    expect(silent).toHaveLength(2);

    const journeys = await api.http().get('/api/contacts/u-returns/journeys').set('Authorization', api.admin).expect(200);
    const [journey] = journeys.body.items;
    expect(journey).toMatchObject({ state: 'waiting', currentNodeId: 'week', holdout: false });
    const kinds = journey.log.map((entry: { kind: string }) => entry.kind);
    expect(kinds).toEqual(expect.arrayContaining(['entered', 'guardrail', 'message', 'decision', 'delivery']));
    const quiet = journey.log.find((entry: { kind: string; detail: Record<string, unknown> }) => entry.kind === 'guardrail');
    expect(JSON.stringify(quiet.detail)).toMatch(/quiet/);
    const silentJourney = (await api.http().get('/api/contacts/u-silent/journeys').set('Authorization', api.admin).expect(200)).body
      .items[0];
    expect(silentJourney.state).toBe('completed');
  });

  it('moves to an instant with {"to"}', async () => {
    const now = (await api.http().get('/api/clock').set('Authorization', api.admin).expect(200)).body.now;
    const target = new Date(Date.parse(now) + 90 * 60_000).toISOString();
    const moved = await api.http().post('/api/clock/advance').set('Authorization', api.admin).send({ to: target }).expect(201);
    expect(moved.body.now).toBe(target);
    expect((await api.http().get('/api/clock').set('Authorization', api.admin).expect(200)).body.now).toBe(target);
  });
});
