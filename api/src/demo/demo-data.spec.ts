import { generateDemoData, prng } from './demo-data';

describe('generateDemoData', () => {
  const now = new Date('2026-11-29T12:00:00Z');

  it('is deterministic for a seed and a now', () => {
    const a = generateDemoData(now, { contacts: 200 });
    const b = generateDemoData(now, { contacts: 200 });
    expect(b).toEqual(a);
    expect(generateDemoData(now, { contacts: 200, seed: 7 })).not.toEqual(a);
  });

  it('mixes languages, zones, consent, merchants and carts, with events inside the 60 days before now', () => {
    const { contacts, events } = generateDemoData(now);
    expect(contacts).toHaveLength(5000);
    const share = (test: (c: (typeof contacts)[number]) => boolean) => contacts.filter(test).length / contacts.length;
    expect(share((c) => c.attributes.locale === 'zh-CN')).toBeGreaterThan(0.4);
    expect(share((c) => c.attributes.locale === 'en')).toBeGreaterThan(0.4);
    for (const region of ['Asia/', 'Europe/', 'America/']) expect(share((c) => c.timezone.startsWith(region))).toBeGreaterThan(0.05);
    expect(share((c) => c.consent.sms)).toBeGreaterThan(0.3);
    expect(share((c) => !c.consent.sms)).toBeGreaterThan(0.3);
    expect(share((c) => c.attributes.merchant === true)).toBeGreaterThan(0.1);
    expect(share((c) => (c.attributes.cart_items as number) > 0)).toBeGreaterThan(0.2);
    const names = new Set(events.map((e) => e.n));
    expect([...names].sort()).toEqual(['app_open', 'cart_updated', 'order_paid', 'signed_up', 'transaction']);
    expect(events.every((e) => Date.parse(e.t) < now.getTime() && Date.parse(e.t) >= now.getTime() - 60 * 86_400_000)).toBe(true);
  });

  it('prng is uniform enough in [0, 1)', () => {
    const rand = prng(1);
    const xs = Array.from({ length: 10_000 }, rand);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(xs.reduce((s, x) => s + x, 0) / xs.length).toBeCloseTo(0.5, 1);
  });
});
