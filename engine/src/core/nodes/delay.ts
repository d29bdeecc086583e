import { addDuration, nextLocalTime, safeZone } from '../durations';
import type { NodeHandler } from './types';

/** duration / until a local time → wait then `out`; waitFor → `event` when it happens after the wait began, else `timeout`. */
export const delayHandler: NodeHandler<'delay'> = {
  enter(node, ctx) {
    const data = node.data;
    const zone = safeZone(ctx.facts.timezone);
    if ('duration' in data) {
      return { kind: 'wait', wait: { kind: 'delay', until: addDuration(ctx.now, data.duration, zone).toISOString() } };
    }
    if ('until' in data) {
      const until = nextLocalTime(ctx.now, safeZone(data.timezone ?? zone), data.until);
      return { kind: 'wait', wait: { kind: 'delay', until: until.toISOString() } };
    }
    return {
      kind: 'wait',
      wait: {
        kind: 'event',
        event: data.waitFor.event,
        since: ctx.now.toISOString(),
        timeoutAt: addDuration(ctx.now, data.waitFor.timeout, zone).toISOString(),
      },
    };
  },

  resume(node, wait, ctx) {
    const now = ctx.now.getTime();
    if (wait.kind !== 'event') {
      return now >= Date.parse(wait.until) ? { kind: 'next', handle: 'out' } : null;
    }
    const since = Date.parse(wait.since);
    const timeoutAt = Date.parse(wait.timeoutAt);
    const hit = ctx.facts.events.find((e) => {
      const t = e.occurredAt.getTime();
      return e.name === wait.event && t > since && t <= now && t <= timeoutAt;
    });
    if (hit) {
      ctx.log('decision', {
        handle: 'event',
        explanation: `${wait.event} at ${hit.occurredAt.toISOString()} after ${wait.since} → event`,
        eventAt: hit.occurredAt.toISOString(),
      });
      return { kind: 'next', handle: 'event' };
    }
    if (now >= timeoutAt) {
      ctx.log('decision', {
        handle: 'timeout',
        explanation: `no ${wait.event} between ${wait.since} and ${wait.timeoutAt} → timeout`,
      });
      return { kind: 'next', handle: 'timeout' };
    }
    return null;
  },
};
