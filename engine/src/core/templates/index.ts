import type { FlowGraphDocument } from '../schema';
import { cartReminderGraph, firstOrderCouponGraph, layeredWinbackGraph } from './playbooks';
import { weeklyCheckinGraph } from './weekly-checkin';

export interface FlowTemplate {
  id: string;
  name: string;
  description: string;
  graph: FlowGraphDocument;
}

/** Templates offered by `GET /api/flow-templates`; the first is the default. Every one passes validateFlow. */
export const flowTemplates: FlowTemplate[] = [
  {
    id: 'weekly-checkin',
    name: 'Win back, then check in weekly until active',
    description:
      'Inactive for 7 days → push (email fallback). If they come back within 3 days, a check-in every week until they are active again (at most 12); otherwise a second attempt by email.',
    graph: weeklyCheckinGraph,
  },
  {
    id: 'first-order-coupon',
    name: 'Registered, no order in 24 h: coupon SMS',
    description: 'Signed up but no order within 24 hours → an SMS with a 3-day coupon; converted when an order is paid.',
    graph: firstOrderCouponGraph,
  },
  {
    id: 'layered-winback',
    name: 'Layered win-back by stickiness',
    description:
      'Inactive 14 days, churn type worth recalling → copy by total usage (heavy, medium, light, barely used); converted on return.',
    graph: layeredWinbackGraph,
  },
  {
    id: 'cart-reminder',
    name: 'Cart reminder',
    description: 'Items left in the cart for 4 hours → push, then an A/B-tested email a day later; converted when the order is paid.',
    graph: cartReminderGraph,
  },
];

export function findFlowTemplate(id: string): FlowTemplate | undefined {
  return flowTemplates.find((t) => t.id === id);
}

export { WEEKLY_CHECKIN_CAP, weeklyCheckinGraph } from './weekly-checkin';
export { cartReminderGraph, firstOrderCouponGraph, layeredWinbackGraph } from './playbooks';
export { demoFlows, demoFirstOrderGraph, demoCartGraph, demoMerchantGraph, demoWeeklyCheckinGraph, type DemoFlow } from './demo-playbooks';
