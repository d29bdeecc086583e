/**
 * The demo workspace's four flows (issue 11): the seed playbooks as a marketer would run them, with real copy in
 * Simplified Chinese and English. Language is a visible step: a `locale` condition (`zh-CN` → zh, else en) in front
 * of each message, so per-node metrics compare the two audiences too. Pure data; every graph passes validateFlow.
 */
import type { FlowGraphDocument, FlowNode, Rule } from '../schema';
import { graph, node } from './graph-data';
import { usageLayers } from './playbooks';
import { winbackCopyEn } from './weekly-checkin';

const zh: Rule = { attribute: 'locale', op: 'eq', value: 'zh-CN' };
/** A step whose listed exits end the journey on purpose ("ends here"): the editor shows no warning for them. */
const ending = (n: FlowNode, ...handles: string[]): FlowNode => ({ ...n, ends: handles });

const lang = (id: string, col: number, row: number) => node(id, 'condition', { rule: zh }, col, row, '中文? / Chinese?');

/**
 * Demo 1 — registered, no order within 24 h → SMS coupon (the seed's case: 897 sent, 856 reached, 68 converted).
 *
 *   trigger(event signed_up) → day(PT24H) → ordered?(order_paid within 24 h) —yes→ (end)
 *     —no→ lang —yes→ smsZh ─┬→ window(P3D) → (end)
 *              —no→  smsEn ─┘
 *   goal(order_paid) ends the journey as converted whenever the first order is paid.
 */
export const demoFirstOrderGraph: FlowGraphDocument = graph(
  [
    node('trigger', 'trigger', { kind: 'event', event: 'signed_up', reentry: 'never' }, 0, 0, 'Signed up'),
    node('day', 'delay', { duration: 'PT24H' }, 1, 0, 'Wait 24 h'),
    ending(
      node('ordered', 'condition', { rule: { event: 'order_paid', within: 'PT24H', count: { gte: 1 } } }, 2, 0, 'Ordered already?'),
      'yes',
    ),
    lang('lang', 3, 1),
    node(
      'smsZh',
      'channel',
      {
        channel: 'sms',
        costCents: 5,
        winback: true,
        template: {
          body: '【Boomerang】{{default firstName "亲"}}，送您新人首单券 WELCOME10，全场9折，3天内有效：{{links.click}} 回T退订',
        },
      },
      4,
      0,
      'Coupon SMS (中文)',
    ),
    node(
      'smsEn',
      'channel',
      {
        channel: 'sms',
        costCents: 5,
        winback: true,
        template: {
          body: '{{default firstName "Hi"}}, your welcome coupon WELCOME10 takes 10% off your first order for 3 days: {{links.click}} Reply STOP to opt out',
        },
      },
      4,
      2,
      'Coupon SMS (English)',
    ),
    ending(node('window', 'delay', { duration: 'P3D' }, 5, 1, 'Give it 3 days'), 'out'),
    node('paid', 'goal', { event: 'order_paid' }, 6, 0, 'Order paid'),
  ],
  [
    ['trigger', 'day'],
    ['day', 'ordered'],
    ['ordered', 'lang', 'no'],
    ['lang', 'smsZh', 'yes'],
    ['lang', 'smsEn', 'no'],
    ['smsZh', 'window'],
    ['smsEn', 'window'],
  ],
);

/**
 * Demo 2 — items in the cart and no visit for 3 days → push, email fallback when there is no push token or consent;
 * goal order_paid. An experiment (issue 24) asks whether 19:00 local time beats sending at once: `timing` splits
 * 50/50, “evening” waits until 19:00 in the contact's zone, “now” goes on at once; after 14 days the arm that converts
 * more after its message with 95 % confidence takes every new contact.
 *
 *   trigger(inactive 3 d, audience cart_items > 0) → timing —evening→ evening(until 19:00 local) → lang —yes→ pushZh ─┬→ window(P3D)
 *                                                          —now→ ───────────────────────────────↗     —no→  pushEn ─┘
 */
export const demoCartGraph: FlowGraphDocument = graph(
  [
    node(
      'trigger',
      'trigger',
      { kind: 'inactive', days: 3, audience: { attribute: 'cart_items', op: 'gt', value: 0 }, reentry: { cooldown: 'P14D' } },
      0,
      0,
      'Cart items, no visit for 3 days',
    ),
    node(
      'timing',
      'condition',
      {
        split: [
          { id: 'evening', percent: 50 },
          { id: 'now', percent: 50 },
        ],
        experiment: { window: 'P14D', metric: 'convertedAfterMessage', minSample: 100 },
      },
      1,
      0,
      '19:00 or now?',
    ),
    node('evening', 'delay', { until: '19:00' }, 2, -1, 'At 19:00 local time'),
    lang('lang', 3, 0),
    node(
      'pushZh',
      'channel',
      {
        channel: 'push',
        fallback: ['email'],
        costCents: 0,
        winback: true,
        template: {
          title: '购物车里的{{cart_items}}件宝贝还在等你',
          body: '{{default firstName "亲"}}，库存有限，今天下单包邮，别让心仪好物溜走！',
          subject: '{{default firstName "亲"}}，你的购物车还有{{cart_items}}件商品',
          text: '{{default firstName "亲"}}，你加入购物车的{{cart_items}}件商品仍为你保留，今天下单包邮：{{links.click}}\n\n退订：{{links.unsubscribe}}',
          url: '{{links.click}}',
        },
      },
      4,
      -1,
      'Cart push (中文)',
    ),
    node(
      'pushEn',
      'channel',
      {
        channel: 'push',
        fallback: ['email'],
        costCents: 0,
        winback: true,
        template: {
          title: 'Your {{cart_items}} item(s) are still in your cart',
          body: '{{default firstName "Hi"}}, stock is limited — order today and shipping is on us.',
          subject: '{{default firstName "Hi"}}, you left {{cart_items}} item(s) in your cart',
          text: 'Hi {{default firstName "there"}}, the {{cart_items}} item(s) in your cart are still reserved. Order today and shipping is free: {{links.click}}\n\nUnsubscribe: {{links.unsubscribe}}',
          url: '{{links.click}}',
        },
      },
      4,
      1,
      'Cart push (English)',
    ),
    ending(node('window', 'delay', { duration: 'P3D' }, 5, 0, 'Give it 3 days'), 'out'),
    node('paid', 'goal', { event: 'order_paid' }, 5, 2, 'Order paid'),
  ],
  [
    ['trigger', 'timing'],
    ['timing', 'evening', 'evening'],
    ['timing', 'lang', 'now'],
    ['evening', 'lang'],
    ['lang', 'pushZh', 'yes'],
    ['lang', 'pushEn', 'no'],
    ['pushZh', 'window'],
    ['pushEn', 'window'],
  ],
);

const layerCopy = {
  heavy: {
    zh: {
      title: '您的店铺数据已为您保留',
      body: '{{default firstName "老板"}}，您过去30天累计使用超过3小时，专属客户经理已为您准备了经营建议，点开看看。',
    },
    en: {
      title: 'Your store data is right where you left it',
      body: '{{default firstName "Hi"}}, you are one of our heaviest users — your account manager has growth tips ready for you.',
    },
  },
  medium: {
    zh: { title: '收款功能升级了', body: '{{default firstName "老板"}}，到账更快、费率更低，回来试试新的收款码吧。' },
    en: {
      title: 'Payments just got faster',
      body: '{{default firstName "Hi"}}, faster settlement and lower fees — try the new payment code today.',
    },
  },
  light: {
    zh: {
      subject: '三步开通收款，今天就能用',
      text: '{{default firstName "老板"}}您好：\n\n只需三步即可完成收款设置，首月免手续费：{{links.click}}\n\n退订：{{links.unsubscribe}}',
    },
    en: {
      subject: 'Three steps to your first payment',
      text: 'Hi {{default firstName "there"}},\n\nSet up payments in three steps — no fees for your first month: {{links.click}}\n\nUnsubscribe: {{links.unsubscribe}}',
    },
  },
  casual: {
    zh: { body: '【Boomerang】{{default firstName "老板"}}，开店礼包待领取：首月0手续费 {{links.click}} 回T退订' },
    en: {
      body: '{{default firstName "Hi"}}, your merchant welcome pack is waiting: no fees for a month {{links.click}} Reply STOP to opt out',
    },
  },
};

/**
 * Demo 3 — B2B merchants with no transaction for 7 days, layered by usage minutes in the last 30 days (seed: > 3 h,
 * 20 min–3 h, 1–20 min, < 1 min); a different channel and copy per layer; goal `transaction`. Messages wait for the
 * hour the merchant is usually active (issue 24: their own last 8 weeks, else their zone's, else 10:00 local).
 *
 *   trigger(segment: merchant and no transaction in 7 d) → hour(best hour, else 10:00) → layer —heavy→ hLang → push zh/en ─┐
 *                                                               —medium→ mLang → push zh/en ┤
 *                                                               —light→ lLang → email zh/en ┼→ window(P7D)
 *                                                               —else→ cLang → sms zh/en    ┘
 */
export const demoMerchantGraph: FlowGraphDocument = graph(
  [
    node(
      'trigger',
      'trigger',
      {
        kind: 'segment',
        rule: {
          all: [{ attribute: 'merchant', op: 'eq', value: true }, { not: { event: 'transaction', within: 'P7D', count: { gte: 1 } } }],
        },
        reentry: { cooldown: 'P30D' },
      },
      -1,
      2,
      'Merchant, no transaction for 7 days',
    ),
    node('hour', 'delay', { bestHour: { fallback: '10:00' } }, 0, 2, 'At their usual hour (else 10:00)'),
    node('layer', 'condition', usageLayers('usage_minutes_30d'), 1, 2, 'Usage layer (30 days)'),
    lang('hLang', 2, 0),
    lang('mLang', 2, 1.5),
    lang('lLang', 2, 3),
    lang('cLang', 2, 4.5),
    node(
      'heavyZh',
      'channel',
      {
        channel: 'push',
        fallback: ['email'],
        winback: true,
        template: {
          ...layerCopy.heavy.zh,
          subject: layerCopy.heavy.zh.title,
          text: layerCopy.heavy.zh.body + '\n{{links.click}}\n\n退订：{{links.unsubscribe}}',
          url: '{{links.click}}',
        },
      },
      3,
      -0.5,
      '> 3 h: push (中文)',
    ),
    node(
      'heavyEn',
      'channel',
      {
        channel: 'push',
        fallback: ['email'],
        winback: true,
        template: {
          ...layerCopy.heavy.en,
          subject: layerCopy.heavy.en.title,
          text: layerCopy.heavy.en.body + '\n{{links.click}}\n\nUnsubscribe: {{links.unsubscribe}}',
          url: '{{links.click}}',
        },
      },
      3,
      0.5,
      '> 3 h: push (English)',
    ),
    node(
      'mediumZh',
      'channel',
      {
        channel: 'push',
        fallback: ['email'],
        winback: true,
        template: {
          ...layerCopy.medium.zh,
          subject: layerCopy.medium.zh.title,
          text: layerCopy.medium.zh.body + '\n{{links.click}}\n\n退订：{{links.unsubscribe}}',
          url: '{{links.click}}',
        },
      },
      3,
      1,
      '20 min–3 h: push (中文)',
    ),
    node(
      'mediumEn',
      'channel',
      {
        channel: 'push',
        fallback: ['email'],
        winback: true,
        template: {
          ...layerCopy.medium.en,
          subject: layerCopy.medium.en.title,
          text: layerCopy.medium.en.body + '\n{{links.click}}\n\nUnsubscribe: {{links.unsubscribe}}',
          url: '{{links.click}}',
        },
      },
      3,
      2,
      '20 min–3 h: push (English)',
    ),
    node('lightZh', 'channel', { channel: 'email', winback: true, template: layerCopy.light.zh }, 3, 2.5, '1–20 min: email (中文)'),
    node('lightEn', 'channel', { channel: 'email', winback: true, template: layerCopy.light.en }, 3, 3.5, '1–20 min: email (English)'),
    node(
      'casualZh',
      'channel',
      { channel: 'sms', costCents: 5, winback: true, template: layerCopy.casual.zh },
      3,
      4,
      '< 1 min: SMS (中文)',
    ),
    node(
      'casualEn',
      'channel',
      { channel: 'sms', costCents: 5, winback: true, template: layerCopy.casual.en },
      3,
      5,
      '< 1 min: SMS (English)',
    ),
    ending(node('window', 'delay', { duration: 'P7D' }, 4, 2, 'Give it 7 days'), 'out'),
    node('transacted', 'goal', { event: 'transaction' }, 5, 2, 'Transaction'),
  ],
  [
    ['trigger', 'hour'],
    ['hour', 'layer'],
    ['layer', 'hLang', 'heavy'],
    ['layer', 'mLang', 'medium'],
    ['layer', 'lLang', 'light'],
    ['layer', 'cLang', 'else'],
    ['hLang', 'heavyZh', 'yes'],
    ['hLang', 'heavyEn', 'no'],
    ['mLang', 'mediumZh', 'yes'],
    ['mLang', 'mediumEn', 'no'],
    ['lLang', 'lightZh', 'yes'],
    ['lLang', 'lightEn', 'no'],
    ['cLang', 'casualZh', 'yes'],
    ['cLang', 'casualEn', 'no'],
    ['heavyZh', 'window'],
    ['heavyEn', 'window'],
    ['mediumZh', 'window'],
    ['mediumEn', 'window'],
    ['lightZh', 'window'],
    ['lightEn', 'window'],
    ['casualZh', 'window'],
    ['casualEn', 'window'],
  ],
);

/** How many weekly check-ins the demo flow sends before it gives up. */
export const DEMO_CHECKIN_CAP = 12;

/**
 * Demo 4 — the weekly check-in (the mission's core rule), bilingual.
 *
 *   trigger(inactive 7 d) → lang —yes→ winbackZh ─┬→ returned?(waitFor app_open, P3D) —timeout→ (end)
 *                                —no→  winbackEn ─┘     —event→ week(P7D) → active? —yes→ goal(active)
 *                                                                   —no→ capped?(visits checkLang ≥ 12) —no→ checkLang
 *   checkLang —yes→ checkinZh ─┬→ week (the loop)
 *             —no→  checkinEn ─┘
 */
export const demoWeeklyCheckinGraph: FlowGraphDocument = graph(
  [
    node('trigger', 'trigger', { kind: 'inactive', days: 7, reentry: { cooldown: 'P30D' } }, 0, 1, 'Inactive for 7 days'),
    lang('lang', 1, 1),
    node(
      'winbackZh',
      'channel',
      {
        channel: 'push',
        fallback: ['email'],
        winback: true,
        template: {
          title: '{{default firstName "朋友"}}，好久不见！',
          body: '你不在的这段时间我们上新了很多内容，回来看看吧。',
          subject: '{{default firstName "朋友"}}，好久不见',
          text: '{{default firstName "朋友"}}你好：\n\n你不在的这段时间我们上新了很多内容：{{links.click}}\n\n退订：{{links.unsubscribe}}',
          url: '{{links.click}}',
        },
      },
      2,
      0,
      'Win-back push (中文)',
    ),
    node(
      'winbackEn',
      'channel',
      {
        channel: 'push',
        fallback: ['email'],
        winback: true,
        template: winbackCopyEn,
      },
      2,
      2,
      'Win-back push (English)',
    ),
    ending(node('returned', 'delay', { waitFor: { event: 'app_open', timeout: 'P3D' } }, 3, 1, 'Came back within 3 days?'), 'timeout'),
    node('week', 'delay', { duration: 'P7D' }, 4, 0, 'Wait a week'),
    node('active', 'condition', { rule: { active: true } }, 5, 0, 'Active again?'),
    node('goal', 'goal', { rule: { active: true } }, 6, -1, 'Active again'),
    ending(
      node(
        'capped',
        'condition',
        { rule: { visits: { node: 'checkLang', gte: DEMO_CHECKIN_CAP } } },
        6,
        0,
        `${DEMO_CHECKIN_CAP} check-ins sent?`,
      ),
      'yes',
    ),
    lang('checkLang', 7, 1),
    node(
      'checkinZh',
      'channel',
      {
        channel: 'push',
        fallback: ['email'],
        winback: false,
        template: {
          title: '{{default firstName "朋友"}}，这周过得怎么样？',
          body: '本周精选已为你准备好，点开看看错过了什么。',
          subject: '你的每周精选',
          text: '{{default firstName "朋友"}}你好，本周精选：{{links.click}}\n\n退订：{{links.unsubscribe}}',
          url: '{{links.click}}',
        },
      },
      8,
      0.5,
      'Weekly check-in (中文)',
    ),
    node(
      'checkinEn',
      'channel',
      {
        channel: 'push',
        fallback: ['email'],
        winback: false,
        template: {
          title: 'How is it going{{#if firstName}}, {{firstName}}{{/if}}?',
          body: 'Here is what you might have missed this week.',
          subject: 'Your weekly check-in',
          text: 'Hi {{default firstName "there"}}, here is what you might have missed this week: {{links.click}}\n\nUnsubscribe: {{links.unsubscribe}}',
          url: '{{links.click}}',
        },
      },
      8,
      1.5,
      'Weekly check-in (English)',
    ),
  ],
  [
    ['trigger', 'lang'],
    ['lang', 'winbackZh', 'yes'],
    ['lang', 'winbackEn', 'no'],
    ['winbackZh', 'returned'],
    ['winbackEn', 'returned'],
    ['returned', 'week', 'event'],
    ['week', 'active'],
    ['active', 'goal', 'yes'],
    ['active', 'capped', 'no'],
    ['capped', 'checkLang', 'no'],
    ['checkLang', 'checkinZh', 'yes'],
    ['checkLang', 'checkinEn', 'no'],
    ['checkinZh', 'week'],
    ['checkinEn', 'week'],
  ],
);

export interface DemoFlow {
  key: 'first-order' | 'cart' | 'merchants' | 'weekly-checkin';
  name: string;
  graph: FlowGraphDocument;
}

/** The demo workspace's flows, in the order the seeds list them. */
export const demoFlows: DemoFlow[] = [
  { key: 'first-order', name: '注册未下单 · Registered, no order in 24 h → coupon SMS', graph: demoFirstOrderGraph },
  { key: 'cart', name: '购物车召回 · Cart items, no visit for 3 days → push / email', graph: demoCartGraph },
  { key: 'merchants', name: '商户召回 · Merchants, no transaction for 7 days, by usage layer', graph: demoMerchantGraph },
  { key: 'weekly-checkin', name: '每周回访 · Weekly check-in until active again', graph: demoWeeklyCheckinGraph },
];
