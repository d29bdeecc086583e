/** `POST /api/templates/preview`: copy rendered for a real or sample contact, SMS segments and cost, missing variables. */
import { EngineService } from '../../api/src/engine/engine.service';
import { ApiHarness, startApi } from '../support/api-app';

let api: ApiHarness;
const preview = (body: unknown) =>
  api
    .http()
    .post('/api/templates/preview')
    .set('Authorization', api.admin)
    .send(body as object);

beforeAll(async () => {
  api = await startApi('channels_preview');
  await api
    .http()
    .put('/api/settings')
    .set('Authorization', api.admin)
    .send({ channelCosts: { sms: 5, email: 1 } })
    .expect(200);
  await api
    .http()
    .post('/api/contacts')
    .set('Authorization', api.admin)
    .send([
      {
        externalId: 'li',
        timezone: 'Asia/Shanghai',
        attributes: { firstName: '丽', locale: 'zh-CN', coupon: 20, expiresAt: '2026-03-01T20:00:00Z' },
      },
    ])
    .expect(200);
});
afterAll(() => api.close());

describe('POST /api/templates/preview', () => {
  it('renders for a real contact: locale variant, helpers in the contact’s zone and locale, SMS segments and cost', async () => {
    const body = '亲爱的{{firstName}}，您的{{formatCurrency coupon "CNY"}}优惠券将于{{formatDate expiresAt}}到期，' + '快'.repeat(41);
    const res = await preview({
      channel: 'sms',
      template: { body: 'Hi {{firstName}}, your coupon expires soon' },
      locales: { zh: { body } },
      externalId: 'li',
    }).expect(200);
    expect(res.body.contact).toEqual({ externalId: 'li', sample: false });
    expect(res.body.locale).toBe('zh');
    expect(res.body.content.body).toBe(`亲爱的丽，您的¥20.00优惠券将于2026年3月2日到期，${'快'.repeat(41)}`);
    expect(res.body.sms).toEqual({ encoding: 'UCS-2', characters: 71, segments: 2 });
    expect(res.body.costCents).toBe(10); // 2 segments × 5 cents
    expect(res.body.missingVariables).toEqual([]);
  });

  it('renders for a sample contact and names the variables the contact lacks', async () => {
    const res = await preview({
      channel: 'email',
      template: { subject: 'Hi {{firstName}}', text: 'Your {{cart_items}} items and {{voucherCode}} {{contact.attributes.tier}}' },
    }).expect(200);
    expect(res.body.contact).toEqual({ externalId: 'sample', sample: true });
    expect(res.body.content).toEqual({ subject: 'Hi Alex', text: 'Your 2 items and  ' });
    expect(res.body.missingVariables).toEqual(['contact.attributes.tier', 'voucherCode']);
    expect(res.body.costCents).toBe(1);
  });

  it('reports template problems instead of rendering', async () => {
    const res = await preview({ channel: 'push', template: { title: 'Hi {{firstName' } }).expect(200);
    expect(res.body.problems[0]).toMatch(/^template\.title: does not compile/);
  });

  it('names the bad field and refuses unknown contacts', async () => {
    expect((await preview({ channel: 'fax', template: {} }).expect(400)).body.message).toMatch(/^channel: /);
    expect((await preview({ channel: 'sms', template: { body: 1 } }).expect(400)).body.message).toMatch(/^template\.body: /);
    expect((await preview({ channel: 'sms', template: { body: 'x' }, locales: { 'not a locale': {} } }).expect(400)).body.message).toMatch(
      /^locales/,
    );
    await preview({ channel: 'sms', template: { body: 'x' }, externalId: 'nobody' }).expect(404);
    await api
      .http()
      .post('/api/templates/preview')
      .send({ channel: 'sms', template: { body: 'x' } })
      .expect(401);
  });
});

describe('cost per message, summed by metrics', () => {
  it('a Chinese SMS of 71 characters is 2 segments and costs 2 × the set price, per flow and per node', async () => {
    await api
      .http()
      .post('/api/contacts')
      .set('Authorization', api.admin)
      .send([{ externalId: 'li', consent: { sms: true }, attributes: { phone: '+8613800000000', seg: 1 } }])
      .expect(200);
    const flow = await api
      .http()
      .post('/api/flows')
      .set('Authorization', api.admin)
      .send({
        name: 'sms cost',
        settings: { holdoutPercent: 0 },
        graph: {
          nodes: [
            { id: 't', type: 'trigger', position: { x: 0, y: 0 }, data: { kind: 'segment', rule: { attribute: 'seg', op: 'exists' } } },
            { id: 'sms', type: 'channel', position: { x: 0, y: 100 }, data: { channel: 'sms', template: { body: '您'.repeat(71) } } },
          ],
          edges: [{ id: 'e1', source: 't', target: 'sms' }],
        },
      })
      .expect(201);
    await api.http().post(`/api/flows/${flow.body.id}/activate`).set('Authorization', api.admin).expect(200);
    await api.app.get(EngineService).tick(new Date('2027-03-02T12:00:00Z'));
    const messages = await api.http().get(`/api/messages?flowId=${flow.body.id}`).set('Authorization', api.admin).expect(200);
    expect(messages.body.items).toEqual([expect.objectContaining({ channel: 'sms', status: 'delivered', costCents: 10, segments: 2 })]);
    const metrics = await api.http().get(`/api/flows/${flow.body.id}/metrics`).set('Authorization', api.admin).expect(200);
    expect(metrics.body.messages.costCents).toBe(10);
    expect(metrics.body.nodes.sms.costCents).toBe(10);
  });
});
