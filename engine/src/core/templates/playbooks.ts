import type { FlowGraphDocument } from '../schema';
import { graph, node } from './graph-data';

/**
 * The seeds' stickiness layers over minutes of use: heavy > 3 h, medium 20 min–3 h, light 1–20 min; the `else` handle
 * takes the rest (< 1 min). Branches are tried in order, so each is a lower bound.
 */
export function usageLayers(attribute: string) {
  return {
    branches: [
      { id: 'heavy', rule: { attribute, op: 'gt' as const, value: 180 } },
      { id: 'medium', rule: { attribute, op: 'gte' as const, value: 20 } },
      { id: 'light', rule: { attribute, op: 'gte' as const, value: 1 } },
    ],
  };
}

/**
 * Seed case "registered, no order in 24 h": an SMS with a coupon, converted when an order is paid within 3 days.
 *
 *   trigger(event signed_up) → day(PT24H) → ordered?(order_paid in 24 h) —yes→ (end)
 *                                                                      —no→ coupon(sms) → window(P3D) → (end)
 *   goal(order_paid) is met by any paid order after entry.
 */
export const firstOrderCouponGraph: FlowGraphDocument = graph(
  [
    node('trigger', 'trigger', { kind: 'event', event: 'signed_up', reentry: 'never' }, 0, 0, 'Signed up'),
    node('day', 'delay', { duration: 'PT24H' }, 1, 0, 'Wait 24 h'),
    node('ordered', 'condition', { rule: { event: 'order_created', within: 'PT24H', count: { gte: 1 } } }, 2, 0, 'Ordered already?'),
    node(
      'coupon',
      'channel',
      {
        channel: 'sms',
        costCents: 5,
        template: {
          body: '{{default firstName "Hi"}}, your welcome coupon WELCOME10 takes 10% off your first order for 3 days: {{links.click}} Reply STOP to opt out',
          url: 'https://app.example.com/',
        },
      },
      3,
      1,
      'Coupon SMS',
    ),
    node('window', 'delay', { duration: 'P3D' }, 4, 1, 'Give it 3 days'),
    node('paid', 'goal', { event: 'order_paid' }, 5, 0, 'Order paid'),
  ],
  [
    ['trigger', 'day'],
    ['day', 'ordered'],
    ['ordered', 'coupon', 'no'],
    ['coupon', 'window'],
  ],
);

/**
 * Layered win-back by stickiness (seed: total call time > 3 h, 20 min–3 h, 1–20 min, < 1 min), only for churn types
 * worth recalling (frustrated, natural).
 *
 *   trigger(inactive 14 d, audience churn_type in [frustrated, natural]) → layer
 *   layer —heavy→ heavyMsg(push) ─┐
 *         —medium→ mediumMsg(push)┤
 *         —light→ lightMsg(email) ┼→ wait(waitFor app_open, P7D) —event→ back(goal: app_open)
 *         —else→ casualMsg(email) ┘                               —timeout→ (end)
 */
export const layeredWinbackGraph: FlowGraphDocument = graph(
  [
    node(
      'trigger',
      'trigger',
      {
        kind: 'inactive',
        days: 14,
        audience: { attribute: 'churn_type', op: 'in', value: ['frustrated', 'natural'] },
        reentry: { cooldown: 'P60D' },
      },
      0,
      1,
      'Inactive 14 days (worth recalling)',
    ),
    node('layer', 'condition', usageLayers('total_call_minutes'), 1, 1, 'Stickiness layer'),
    node(
      'heavyMsg',
      'channel',
      {
        channel: 'push',
        fallback: ['email'],
        template: {
          title: 'Your call history is waiting',
          subject: 'Your call history is waiting',
          body: 'Everything you set up is still here, {{default firstName "friend"}}. Pick up where you left off.',
          url: 'https://app.example.com/',
        },
      },
      2,
      0,
      'Heavy users',
    ),
    node(
      'mediumMsg',
      'channel',
      {
        channel: 'push',
        fallback: ['email'],
        template: {
          title: 'We improved calling',
          subject: 'We improved calling',
          body: 'Clearer audio and faster connects. Try it today.',
          url: 'https://app.example.com/',
        },
      },
      2,
      1,
      'Medium users',
    ),
    node(
      'lightMsg',
      'channel',
      {
        channel: 'email',
        template: {
          subject: 'Someone you know is on Boomerang',
          text: 'Hi {{default firstName "there"}}, people you know made calls this week. Say hello: {{links.click}}\n\nUnsubscribe: {{links.unsubscribe}}',
          url: 'https://app.example.com/',
        },
      },
      2,
      2,
      'Light users',
    ),
    node(
      'casualMsg',
      'channel',
      {
        channel: 'email',
        template: {
          subject: 'Your first call is free',
          text: 'Hi {{default firstName "there"}}, your first call is on us: {{links.click}}\n\nUnsubscribe: {{links.unsubscribe}}',
          url: 'https://app.example.com/',
        },
      },
      2,
      3,
      'Barely used',
    ),
    node('wait', 'delay', { waitFor: { event: 'app_open', timeout: 'P7D' } }, 3, 1, 'Came back within 7 days?'),
    node('back', 'goal', { event: 'app_open' }, 4, 0, 'Returned'),
  ],
  [
    ['trigger', 'layer'],
    ['layer', 'heavyMsg', 'heavy'],
    ['layer', 'mediumMsg', 'medium'],
    ['layer', 'lightMsg', 'light'],
    ['layer', 'casualMsg', 'else'],
    ['heavyMsg', 'wait'],
    ['mediumMsg', 'wait'],
    ['lightMsg', 'wait'],
    ['casualMsg', 'wait'],
    ['wait', 'back', 'event'],
  ],
);

/**
 * Cart reminder: items left in the cart, no order for 4 h; push at a good hour, then an email with an A/B subject.
 *
 *   trigger(event cart_updated, cart_items > 0) → hours(PT4H) → still?(cart_items > 0) —no→ (end)
 *     —yes→ push → day(P1D) → ab(split 50/50) —a→ emailA ─┐
 *                                              —b→ emailB ─┴→ (end)
 *   goal(order_paid) ends the journey whenever the order is paid.
 */
export const cartReminderGraph: FlowGraphDocument = graph(
  [
    node(
      'trigger',
      'trigger',
      { kind: 'event', event: 'cart_updated', where: { attribute: 'cart_items', op: 'gt', value: 0 }, reentry: { cooldown: 'P7D' } },
      0,
      0,
      'Cart updated',
    ),
    node('hours', 'delay', { duration: 'PT4H' }, 1, 0, 'Wait 4 h'),
    node('still', 'condition', { rule: { attribute: 'cart_items', op: 'gt', value: 0 } }, 2, 0, 'Items still in cart?'),
    node(
      'push',
      'channel',
      {
        channel: 'push',
        template: {
          title: 'You left something behind',
          body: '{{cart_items}} item(s) are waiting in your cart.',
          url: 'https://app.example.com/',
        },
      },
      3,
      0,
      'Cart push',
    ),
    node('day', 'delay', { duration: 'P1D' }, 4, 0, 'Wait a day'),
    node(
      'ab',
      'condition',
      {
        split: [
          { id: 'a', percent: 50 },
          { id: 'b', percent: 50 },
        ],
      },
      5,
      0,
      'A/B subject',
    ),
    node(
      'emailA',
      'channel',
      {
        channel: 'email',
        template: {
          subject: 'Your cart is about to expire',
          text: 'Hi {{default firstName "there"}}, your {{cart_items}} item(s) are still reserved: {{links.click}}\n\nUnsubscribe: {{links.unsubscribe}}',
          url: 'https://app.example.com/',
        },
      },
      6,
      -1,
      'Email A',
    ),
    node(
      'emailB',
      'channel',
      {
        channel: 'email',
        template: {
          subject: 'Free shipping on your cart today',
          text: 'Hi {{default firstName "there"}}, complete your order today and shipping is on us: {{links.click}}\n\nUnsubscribe: {{links.unsubscribe}}',
          url: 'https://app.example.com/',
        },
      },
      6,
      1,
      'Email B',
    ),
    node('paid', 'goal', { event: 'order_paid' }, 7, 0, 'Order paid'),
  ],
  [
    ['trigger', 'hours'],
    ['hours', 'still'],
    ['still', 'push', 'yes'],
    ['push', 'day'],
    ['day', 'ab'],
    ['ab', 'emailA', 'a'],
    ['ab', 'emailB', 'b'],
  ],
);
