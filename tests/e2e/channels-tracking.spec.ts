/**
 * What a contact does with a message, through HTTP on the real app: a click redirects only to the template's stored
 * url (never an open redirect, never the admin app); GET unsubscribe only confirms, in the contact's locale; POST
 * (RFC 8058 one-click or the page's button) unsubscribes and stops that channel in every flow; provider receipts
 * behind the shared secret mark delivery and a hard bounce clears email consent. Each is logged on the journey.
 */
import { EngineService } from '../../api/src/engine/engine.service';
import { ApiHarness, startApi } from '../support/api-app';

const T0 = new Date('2027-03-02T12:00:00Z');
const SECRET = 'provider-secret-0123456789';
let api: ApiHarness;
const auth = () => api.admin;

const channelFlow = (name: string, channel: string, template: Record<string, string>) => ({
  name,
  settings: { holdoutPercent: 0 },
  graph: {
    nodes: [
      { id: 't', type: 'trigger', position: { x: 0, y: 0 }, data: { kind: 'segment', rule: { attribute: 'seg', op: 'exists' } } },
      { id: 'm', type: 'channel', position: { x: 0, y: 100 }, data: { channel, template } },
    ],
    edges: [{ id: 'e1', source: 't', target: 'm' }],
  },
});

async function activate(body: ReturnType<typeof channelFlow>): Promise<string> {
  const flow = await api.http().post('/api/flows').set('Authorization', auth()).send(body).expect(201);
  await api.http().post(`/api/flows/${flow.body.id}/activate`).set('Authorization', auth()).expect(200);
  return flow.body.id;
}

async function messagesOf(externalId: string, flowId?: string) {
  const q = `/api/messages?externalId=${externalId}${flowId ? `&flowId=${flowId}` : ''}`;
  return (await api.http().get(q).set('Authorization', auth()).expect(200)).body.items as {
    id: string;
    channel: string;
    status: string;
    journeyId: string;
    content: Record<string, string>;
  }[];
}

async function logOf(journeyId: string, kind: string) {
  return api.sql<{ detail: Record<string, unknown> }>(`SELECT detail FROM journey_log WHERE journey_id = $1 AND kind = $2 ORDER BY id`, [
    journeyId,
    kind,
  ]);
}

let emailFlow: string;
beforeAll(async () => {
  api = await startApi('channels_tracking', { PUBLIC_URL: 'http://boomerang.test', PROVIDER_STATUS_SECRET: SECRET });
  const contact = (externalId: string, locale: string) => ({
    externalId,
    timezone: 'UTC',
    consent: { email: true, push: true, sms: true },
    attributes: { seg: 1, email: `${externalId}@example.com`, pushToken: `tok-${externalId}`, phone: '+15550100000', locale },
  });
  // several flows send to the same contacts in one tick here: no frequency caps
  await api.http().put('/api/settings').set('Authorization', auth()).send({ frequencyCaps: [] }).expect(200);
  await api
    .http()
    .post('/api/contacts')
    .set('Authorization', auth())
    .send([contact('li', 'zh-CN'), contact('bo', 'en-GB'), contact('ann', 'fr')])
    .expect(200);
  emailFlow = await activate(
    channelFlow('email', 'email', {
      subject: 'Hi',
      html: '<a href="{{links.click}}">back</a>',
      url: 'https://shop.example/back?c={{contact.externalId}}',
    }),
  );
  await api.app.get(EngineService).tick(T0);
});
afterAll(() => api.close());

describe('click tracking', () => {
  it('marks the message clicked, logs it once, and redirects only to the stored url', async () => {
    const [m] = await messagesOf('bo', emailFlow);
    expect(m.status).toBe('delivered'); // sandbox
    const res = await api
      .http()
      .get(`/t/c/${m.id}?url=${encodeURIComponent('https://evil.example/')}&next=//evil.example`)
      .expect(302);
    expect(res.headers.location).toBe('https://shop.example/back?c=bo');
    await api.http().get(`/t/c/${m.id}`).expect(302);
    const [row] = await api.sql<{ clicked_at: Date | null }>(`SELECT clicked_at FROM messages WHERE id = $1`, [m.id]);
    expect(row.clicked_at).toBeInstanceOf(Date);
    expect(await logOf(m.journeyId, 'click')).toEqual([{ detail: expect.objectContaining({ messageId: m.id, channel: 'email' }) }]);
  });

  it('a destination on this server (the admin app) is never a redirect', async () => {
    const flow = await activate(channelFlow('self', 'push', { title: 'x', body: 'y', url: 'http://boomerang.test/flows' }));
    await api.app.get(EngineService).tick(T0);
    const [m] = await messagesOf('bo', flow);
    const res = await api.http().get(`/t/c/${m.id}`).expect(200);
    expect(res.headers.location).toBeUndefined();
    expect(res.text).not.toContain('boomerang.test');
  });
});

describe('unsubscribe', () => {
  it('GET shows a confirmation page in the contact’s locale and changes nothing', async () => {
    const [m] = await messagesOf('li', emailFlow);
    const token = await api.linkToken(m.id);
    const res = await api.http().get(`/t/u/${token}`).expect(200);
    expect(res.text).toContain('<html lang="zh-CN">');
    expect(res.text).toContain('您确定不再接收我们的邮件吗？');
    expect(res.text).toContain(`<form method="post" action="/t/u/${token}">`);
    const contact = await api.http().get('/api/contacts/li').set('Authorization', auth()).expect(200);
    expect(contact.body.consent.email).toBe(true);
    expect(await logOf(m.journeyId, 'unsubscribe')).toEqual([{ detail: expect.objectContaining({ action: 'confirmation_shown' }) }]);
    const fr = (await messagesOf('ann', emailFlow))[0];
    expect(
      (
        await api
          .http()
          .get(`/t/u/${await api.linkToken(fr.id)}`)
          .expect(200)
      ).text,
    ).toContain('Voulez-vous ne plus recevoir nos e-mails ?');
  });

  it('RFC 8058 one-click POST unsubscribes, is logged, and stops that channel in every flow', async () => {
    const [m] = await messagesOf('li', emailFlow);
    // a second email flow already queued a message for li (held back here by pausing the dispatcher: never ticked)
    const res = await api
      .http()
      .post(`/t/u/${await api.linkToken(m.id)}`)
      .type('form')
      .send('List-Unsubscribe=One-Click')
      .expect(200);
    expect(res.body).toEqual({ unsubscribed: true, channel: 'email' });
    const contact = await api.http().get('/api/contacts/li').set('Authorization', auth()).expect(200);
    expect(contact.body.consent).toMatchObject({ email: false, push: true });
    expect((await logOf(m.journeyId, 'unsubscribe')).map((l) => l.detail.action)).toEqual(['confirmation_shown', 'unsubscribed']);
    expect((await logOf(m.journeyId, 'unsubscribe'))[1].detail.via).toBe('one_click');

    // another flow on email: li is skipped with the consent reason, bo still gets it; push still reaches li
    const other = await activate(channelFlow('email 2', 'email', { subject: 'Again', text: 'Hello' }));
    const push = await activate(channelFlow('push', 'push', { title: 'Hi', body: 'there' }));
    await api.app.get(EngineService).tick(T0);
    expect(await messagesOf('li', other)).toEqual([]);
    expect(await messagesOf('bo', other)).toHaveLength(1);
    expect(await messagesOf('li', push)).toHaveLength(1);
    const [skipped] = await api.sql<{ detail: { reason: string } }>(
      `SELECT l.detail FROM journey_log l JOIN journeys j ON j.id = l.journey_id JOIN contacts c ON c.id = j.contact_id
        WHERE j.flow_id = $1 AND c.external_id = 'li' AND l.kind = 'guardrail'`,
      [other],
    );
    expect(skipped.detail.reason).toBe('no_channel');
  });

  it('the page button POSTs and answers the page in the contact’s locale', async () => {
    const [m] = await messagesOf('ann', emailFlow);
    const res = await api
      .http()
      .post(`/t/u/${await api.linkToken(m.id)}`)
      .type('form')
      .send({ confirm: 'page' })
      .expect(200);
    expect(res.text).toContain('Vous êtes désabonné');
    expect((await logOf(m.journeyId, 'unsubscribe')).at(-1)!.detail).toMatchObject({ action: 'unsubscribed', via: 'page' });
  });
});

describe('provider receipts', () => {
  const receipt = (channel: string) => api.http().post(`/api/providers/${channel}/status`);

  it('refuses a missing or wrong secret and names bad fields', async () => {
    await receipt('email').send({ messageId: '00000000-0000-4000-8000-000000000000', status: 'delivered' }).expect(401);
    await receipt('email').set('X-Boomerang-Provider-Secret', 'wrong-secret-0123456789').send({ status: 'delivered' }).expect(401);
    const bad = await receipt('email').set('X-Boomerang-Provider-Secret', SECRET).send({ messageId: 'x', status: 'read' }).expect(400);
    expect(bad.body.message).toMatch(/messageId|status/);
    const noId = await receipt('email').set('X-Boomerang-Provider-Secret', SECRET).send({ status: 'delivered' }).expect(400);
    expect(noId.body.message).toMatch(/^messageId: /);
    expect(
      (
        await receipt('fax')
          .set('X-Boomerang-Provider-Secret', SECRET)
          .send({ status: 'delivered', messageId: '00000000-0000-4000-8000-000000000000' })
          .expect(400)
      ).body.message,
    ).toMatch(/^params\.channel: /);
  });

  it('a delivery receipt marks delivery; a hard bounce fails the message and clears email consent', async () => {
    // make bo's email look sent (a live provider would have left it there)
    const [m] = await messagesOf('bo', emailFlow);
    await api.sql(`UPDATE messages SET status = 'sent', delivered_at = NULL, provider_id = 'prov-1' WHERE id = $1`, [m.id]);
    const ok = await receipt('email')
      .set('X-Boomerang-Provider-Secret', SECRET)
      .send({ providerId: 'prov-1', status: 'delivered' })
      .expect(200);
    expect(ok.body).toEqual({ accepted: 1, pending: 0, ignored: 0, rejected: [] });
    expect((await messagesOf('bo', emailFlow))[0].status).toBe('delivered');
    const bounce = await receipt('email')
      .set('Authorization', `Basic ${Buffer.from(`status:${SECRET}`).toString('base64')}`)
      .send([
        { messageId: m.id, status: 'bounced', bounce: 'hard', reason: '550 no such user' },
        { messageId: '00000000-0000-4000-8000-000000000000', status: 'failed' },
      ])
      .expect(200);
    expect(bounce.body).toEqual({
      accepted: 1,
      pending: 0,
      ignored: 0,
      rejected: [{ index: 1, error: expect.stringContaining('no email message') }],
    });
    expect((await messagesOf('bo', emailFlow))[0].status).toBe('failed');
    const contact = await api.http().get('/api/contacts/bo').set('Authorization', auth()).expect(200);
    expect(contact.body.consent.email).toBe(false);
    expect((await logOf(m.journeyId, 'receipt')).map((l) => l.detail)).toEqual([
      expect.objectContaining({ status: 'delivered' }),
      expect.objectContaining({ status: 'bounced', bounce: 'hard', consentCleared: true }),
    ]);
  });

  it('accepts Twilio-style form callbacks by provider id; in-flight statuses are ignored', async () => {
    const flow = await activate(channelFlow('sms', 'sms', { body: 'Hi' }));
    await api.app.get(EngineService).tick(T0);
    const [m] = await messagesOf('ann', flow);
    await api.sql(`UPDATE messages SET status = 'sent', provider_id = 'SM42' WHERE id = $1`, [m.id]);
    const sending = await receipt('sms')
      .set('X-Boomerang-Provider-Secret', SECRET)
      .type('form')
      .send({ MessageSid: 'SM42', MessageStatus: 'sending' })
      .expect(200);
    expect(sending.body).toEqual({ accepted: 0, pending: 0, ignored: 1, rejected: [] });
    await receipt('sms')
      .set('X-Boomerang-Provider-Secret', SECRET)
      .type('form')
      .send({ MessageSid: 'SM42', MessageStatus: 'delivered' })
      .expect(200);
    expect((await messagesOf('ann', flow))[0].status).toBe('delivered');
  });
});
