import { contactItem, eventItem } from '../contacts/contacts.dto';
import { contactFromCsv, eventFromCsv, typedCell } from './csv-records';

describe('typedCell', () => {
  it.each([
    ['2', 2],
    ['-3.5', -3.5],
    ['007', '007'],
    ['true', true],
    ['false', false],
    ['null', null],
    ['+86138', '+86138'],
    ['王伟', '王伟'],
    ['12345678901234567', '12345678901234567'],
  ])('%s → %j', (cell, value) => expect(typedCell(cell)).toEqual(value));
});

describe('contactFromCsv', () => {
  it('maps consent, timezone and attributes, and skips empty cells', () => {
    const item = contactFromCsv({
      externalId: 'u1',
      timezone: 'Asia/Shanghai',
      'consent.sms': 'yes',
      'consent.push': '0',
      firstName: '伟',
      'attributes.cart_items': '2',
      email: '',
    });
    expect(item).toEqual({
      externalId: 'u1',
      timezone: 'Asia/Shanghai',
      consent: { sms: true, push: false },
      attributes: { firstName: '伟', cart_items: 2 },
    });
    expect(contactItem.safeParse(item).success).toBe(true);
  });
  it('leaves a bad consent cell for the schema to name', () => {
    const parsed = contactItem.safeParse(contactFromCsv({ externalId: 'u1', 'consent.sms': 'maybe' }));
    expect(parsed.success).toBe(false);
    expect(JSON.stringify(parsed.error?.issues[0].path)).toBe('["consent","sms"]');
  });
});

describe('eventFromCsv', () => {
  it('merges the properties JSON with property columns', () => {
    const item = eventFromCsv({
      externalId: 'u1',
      name: 'order_paid',
      occurredAt: '2026-11-01T08:00:00Z',
      properties: '{"amount":42}',
      'properties.currency': 'CNY',
      coupon: 'WELCOME10',
    });
    expect(item).toEqual({
      externalId: 'u1',
      name: 'order_paid',
      occurredAt: '2026-11-01T08:00:00Z',
      properties: { amount: 42, currency: 'CNY', coupon: 'WELCOME10' },
    });
    expect(eventItem.safeParse(item).success).toBe(true);
  });
  it.each([
    [{ externalId: 'u1', name: 'x', properties: '[1]' }, 'properties'],
    [{ externalId: 'u1', name: 'x', properties: '{oops' }, 'properties'],
    [{ externalId: 'u1', name: '' }, 'name'],
    [{ externalId: 'u1', name: 'x', occurredAt: 'yesterday' }, 'occurredAt'],
  ])('%j is rejected naming %s', (record, field) => {
    const parsed = eventItem.safeParse(eventFromCsv(record));
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0].path[0]).toBe(field);
  });
});
