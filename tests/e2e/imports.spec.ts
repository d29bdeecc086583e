import { rmSync } from 'node:fs';
import { importProgressView } from '@boomerang/engine/core/views/contacts';
import { ApiHarness, startApi } from '../support/api-app';

const DATA_DIR = `/tmp/boomerang-imports-test-${process.pid}`;

function ndjson(text: string) {
  return text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
}

describe('CSV import', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi('imports', { CLOCK: 'virtual', DATA_DIR });
    await api.sql(`INSERT INTO engine_clock (id, now) VALUES (1, '2026-11-02T10:00:00Z')`);
  }, 60_000);
  afterAll(async () => {
    await api.close();
    rmSync(DATA_DIR, { recursive: true, force: true });
  });

  const post = (kind: string, csv: string) =>
    api.http().post(`/api/imports/${kind}`).set('Authorization', api.admin).set('Content-Type', 'text/csv').send(csv);

  it('imports contacts, reporting bad rows by line number with the reason', async () => {
    const csv = [
      'externalId,timezone,consent.sms,consent.push,firstName,cart_items,locale',
      'c1,Asia/Shanghai,yes,no,伟,2,zh-CN',
      'c2,Mars/Olympus,yes,yes,Ann,0,en', // line 3: bad zone
      '"c3",Europe/London,true,false,"Smith, Jr.",1,en',
      'c4,Europe/Paris,maybe,yes,Léa,1,en', // line 5: bad consent
      'c5,Europe/Paris,yes', // line 6: too few cells
      ',UTC,yes,yes,Nobody,0,en', // line 7: empty externalId
      'c6,America/New_York,no,yes,"Line ""two""",3,en',
    ].join('\n');
    const res = await post('contacts', csv).expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/x-ndjson/);
    const last = ndjson(res.text).at(-1);
    expect(importProgressView.parse(last)).toEqual(last);
    expect(last).toMatchObject({ kind: 'contacts', status: 'done', rows: 7, accepted: 3, rejected: 4, bytes: Buffer.byteLength(csv) });
    const contact = await api.http().get('/api/contacts/c1').set('Authorization', api.admin).expect(200);
    expect(contact.body).toMatchObject({
      timezone: 'Asia/Shanghai',
      consent: { sms: true, push: false },
      attributes: { firstName: '伟', cart_items: 2, locale: 'zh-CN' },
    });
    expect((await api.http().get('/api/contacts/c3').set('Authorization', api.admin).expect(200)).body.attributes.firstName).toBe(
      'Smith, Jr.',
    );
    const report = await api.http().get(last.rejectedReport).set('Authorization', api.admin).expect(200);
    const lines = report.text.trim().split('\r\n');
    expect(lines[0]).toBe('line,reason');
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(['3', '5', '6', '7']);
    expect(lines[1]).toMatch(/^3,timezone: not an IANA time zone/);
    expect(lines[2]).toMatch(/^5,"consent\.sms: expected boolean/);
    expect(lines[3]).toMatch(/^6,"?malformed CSV: /);
    expect(lines[4]).toMatch(/^7,"?externalId: /);
    expect((await api.http().get(`/api/imports/${last.importId}`).set('Authorization', api.admin).expect(200)).body).toMatchObject({
      status: 'done',
      rows: 7,
    });
  });

  it('imports events through the engine ingest (last activity moves), with bad rows reported', async () => {
    const rows = ['externalId,name,occurredAt,properties,amount'];
    for (let i = 0; i < 12_000; i++) rows.push(`e${i % 100},app_open,2026-11-01T08:00:${String(i % 60).padStart(2, '0')}Z,,`);
    rows.push('c1,order_paid,2026-11-01T09:00:00Z,"{""coupon"":""WELCOME10""}",42');
    rows.push('c1,,2026-11-01T09:00:00Z,,'); // line 12,003: no name
    rows.push('c1,order_paid,not-a-time,,'); // line 12,004
    const res = await post('events', rows.join('\n')).expect(200);
    const progress = ndjson(res.text);
    expect(progress.at(-1)).toMatchObject({ status: 'done', rows: 12_003, accepted: 12_001, rejected: 2, percent: 100 });
    const [c1] = await api.sql<{ last: Date }>(`SELECT last_active_at AS last FROM contacts WHERE external_id = 'c1'`);
    expect(c1.last.toISOString()).toBe('2026-11-01T09:00:00.000Z');
    const [paid] = await api.sql<{ properties: unknown }>(`SELECT properties FROM events WHERE name = 'order_paid'`);
    expect(paid.properties).toEqual({ coupon: 'WELCOME10', amount: 42 });
    expect((await api.sql<{ n: number }>(`SELECT count(*)::int AS n FROM events`))[0].n).toBe(12_001);
    const report = await api.http().get(progress.at(-1).rejectedReport).set('Authorization', api.admin).expect(200);
    expect(report.text).toMatch(/^line,reason\r\n12003,name: [^\r]+\r\n12004,occurredAt: /);
  });

  it('refuses a JSON body, an unknown kind and unknown imports', async () => {
    await api
      .http()
      .post('/api/imports/events')
      .set('Authorization', api.admin)
      .send([{ externalId: 'x', name: 'y' }])
      .expect(415);
    expect((await post('orders', 'a,b\n1,2').expect(400)).body.message).toMatch(/^kind: /);
    await api.http().get('/api/imports/00000000-0000-4000-8000-000000000000').set('Authorization', api.admin).expect(404);
  });
});
