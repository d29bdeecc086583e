/**
 * The demo workspace's synthetic people and their 60 days of behaviour, from a deterministic seed: the same seed and
 * `now` always give the same contacts and events (no Math.random, no wall clock). Pure; the seeder writes the result.
 */
import { prng } from '@boomerang/engine/core/prng';

export const DEMO_SEED = 20_261_129;
export const DEMO_CONTACTS = 5_000;
export const DEMO_HISTORY_DAYS = 60;

export { prng };

const pick = <T>(rand: () => number, items: readonly T[]): T => items[Math.floor(rand() * items.length)];

const zhSurnames = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '郭', '何', '林', '罗', '高'];
const zhGiven = [
  '伟',
  '芳',
  '娜',
  '敏',
  '静',
  '丽',
  '强',
  '磊',
  '洋',
  '艳',
  '勇',
  '军',
  '杰',
  '娟',
  '涛',
  '明',
  '超',
  '秀英',
  '嘉怡',
  '子轩',
  '浩然',
  '欣怡',
  '梓涵',
  '宇航',
];
const enFirst = [
  'Emma',
  'Liam',
  'Olivia',
  'Noah',
  'Ava',
  'Oliver',
  'Sophia',
  'Lucas',
  'Mia',
  'Ethan',
  'Amelia',
  'James',
  'Harper',
  'Leo',
  'Isla',
  'Mateo',
  'Chloe',
  'Henry',
  'Grace',
  'Daniel',
  'Lucía',
  'Jonas',
  'Léa',
  'Sofia',
];
const enLast = [
  'Smith',
  'Johnson',
  'Brown',
  'Garcia',
  'Miller',
  'Davis',
  'Wilson',
  'Taylor',
  'Clark',
  'Lewis',
  'Walker',
  'Young',
  'Müller',
  'Dubois',
  'Rossi',
  'Silva',
  'Kim',
  'Nguyen',
  'Tanaka',
  'Singh',
];
const zhZones = ['Asia/Shanghai', 'Asia/Shanghai', 'Asia/Shanghai', 'Asia/Hong_Kong', 'Asia/Taipei', 'Asia/Singapore', 'Asia/Kuala_Lumpur'];
const enZones = [
  'Europe/London',
  'Europe/Berlin',
  'Europe/Paris',
  'Europe/Madrid',
  'America/New_York',
  'America/Chicago',
  'America/Los_Angeles',
  'America/Sao_Paulo',
  'America/Mexico_City',
  'Asia/Tokyo',
  'Asia/Kolkata',
  'Australia/Sydney',
];
const churnTypes = ['rigid', 'frustrated', 'natural', 'market'] as const;

export interface DemoContact {
  externalId: string;
  timezone: string;
  consent: { email: boolean; push: boolean; sms: boolean };
  attributes: Record<string, unknown>;
  createdAt: Date;
}

export interface DemoEvent {
  e: string;
  n: string;
  t: string;
  p: Record<string, unknown>;
}

export interface DemoData {
  contacts: DemoContact[];
  /** ordered by time */
  events: DemoEvent[];
}

const DAY = 86_400_000;

/** One synthetic person (also used by the traffic generator for new sign-ups). */
export function demoContact(rand: () => number, externalId: string, createdAt: Date): DemoContact {
  const chinese = rand() < 0.5;
  const firstName = chinese ? pick(rand, zhGiven) : pick(rand, enFirst);
  const lastName = chinese ? pick(rand, zhSurnames) : pick(rand, enLast);
  const push = rand() < 0.6;
  const merchant = rand() < 0.15;
  const attributes: Record<string, unknown> = {
    firstName,
    lastName,
    locale: chinese ? 'zh-CN' : 'en',
    email: `${externalId}@example.com`,
    phone: chinese
      ? `+86138${String(Math.floor(rand() * 1e8)).padStart(8, '0')}`
      : `+1555${String(Math.floor(rand() * 1e7)).padStart(7, '0')}`,
    churn_type: pick(rand, churnTypes),
    cart_items: rand() < 0.3 ? 1 + Math.floor(rand() * 5) : 0,
  };
  if (push) attributes.pushToken = `demo-token-${externalId}`;
  if (merchant) {
    attributes.merchant = true;
    attributes.company = chinese
      ? `${lastName}记${pick(rand, ['餐饮', '便利店', '服饰', '烘焙', '花店'])}`
      : `${lastName} ${pick(rand, ['Coffee', 'Bakery', 'Books', 'Florist', 'Repairs'])}`;
    // usage in the last 30 days, across the seed's layers (> 3 h, 20 min–3 h, 1–20 min, < 1 min)
    const layer = rand();
    attributes.usage_minutes_30d =
      layer < 0.2
        ? 181 + Math.floor(rand() * 600)
        : layer < 0.5
          ? 20 + Math.floor(rand() * 160)
          : layer < 0.8
            ? 1 + Math.floor(rand() * 19)
            : 0;
  }
  return {
    externalId,
    timezone: chinese ? pick(rand, zhZones) : pick(rand, enZones),
    consent: { email: rand() < 0.85, push, sms: rand() < 0.45 },
    attributes,
    createdAt,
  };
}

/**
 * 5,000 contacts and their behaviour over the 60 days before `now`: a third signed up during the window (a
 * `signed_up` event), the rest earlier; each has a daily visit probability and, for most, a day they drifted away
 * (churn), so inactivity triggers find people. Visits are `app_open` at a waking local-ish hour; some visits add to
 * the cart (`cart_updated`) or pay an order (`order_paid`); merchants record `transaction`s.
 */
export function generateDemoData(now: Date, options: { seed?: number; contacts?: number; days?: number } = {}): DemoData {
  const rand = prng(options.seed ?? DEMO_SEED);
  const count = options.contacts ?? DEMO_CONTACTS;
  const days = options.days ?? DEMO_HISTORY_DAYS;
  const start = now.getTime() - days * DAY;
  const contacts: DemoContact[] = [];
  const events: DemoEvent[] = [];
  for (let i = 0; i < count; i++) {
    const externalId = `demo-${String(i + 1).padStart(5, '0')}`;
    const recent = rand() < 0.33;
    const signupAt = recent ? start + Math.floor(rand() * days * DAY) : start - Math.floor((30 + rand() * 700) * DAY);
    const contact = demoContact(rand, externalId, new Date(signupAt));
    contacts.push(contact);
    if (recent)
      events.push({
        e: externalId,
        n: 'signed_up',
        t: new Date(signupAt).toISOString(),
        p: { source: pick(rand, ['app_store', 'web', 'referral', 'ad']) },
      });
    const perDay = 0.05 + rand() * 0.6;
    // most drift away at some point of the window; about a quarter stay
    const churnAt = rand() < 0.75 ? Math.max(signupAt, start) + Math.floor(rand() * days * DAY) : Infinity;
    const offset = contact.timezone.startsWith('Asia')
      ? -8
      : contact.timezone.startsWith('America')
        ? 5
        : contact.timezone.startsWith('Australia')
          ? -10
          : 0;
    const firstDay = Math.max(0, Math.ceil((signupAt - start) / DAY));
    for (let d = firstDay; d < days; d++) {
      const dayStart = start + d * DAY;
      if (dayStart > churnAt || rand() >= perDay) continue;
      const hour = (8 + Math.floor(rand() * 14) + offset + 24) % 24;
      const at = dayStart + hour * 3_600_000 + Math.floor(rand() * 3_600_000);
      if (at >= now.getTime()) continue;
      events.push({ e: externalId, n: 'app_open', t: new Date(at).toISOString(), p: {} });
      if (rand() < 0.15)
        events.push({ e: externalId, n: 'cart_updated', t: new Date(at + 60_000).toISOString(), p: { items: 1 + Math.floor(rand() * 4) } });
      if (rand() < 0.08)
        events.push({
          e: externalId,
          n: 'order_paid',
          t: new Date(at + 300_000).toISOString(),
          p: { amount: 20 + Math.floor(rand() * 300) },
        });
      if (contact.attributes.merchant && rand() < 0.7) {
        events.push({
          e: externalId,
          n: 'transaction',
          t: new Date(at + 120_000).toISOString(),
          p: { amount: 5 + Math.floor(rand() * 500) },
        });
      }
    }
  }
  events.sort((a, b) => (a.t < b.t ? -1 : a.t > b.t ? 1 : 0));
  return { contacts, events };
}
