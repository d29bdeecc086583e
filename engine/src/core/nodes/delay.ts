import { addDuration, isValidTimeZone, nextLocalTime, safeZone } from '../durations';
import { chooseSendHour } from '../best-hour';
import { describeDuration, describeTimeOfDay } from '../words';
import { durationIssues, issueAt } from './checks';
import { OUT, type NodeTraits } from './types';

/** duration / until a local time → wait then `out`; waitFor → `event` when it happens after the wait began, else `timeout`. */
export const delayNode: NodeTraits<'delay'> = {
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
    if ('bestHour' in data) {
      const choice = chooseSendHour(ctx.facts.activeHours, data.bestHour.fallback);
      const until = nextLocalTime(ctx.now, zone, choice.time);
      ctx.log('decision', {
        handle: OUT,
        bestHour: { time: choice.time, source: choice.source, events: choice.events },
        explanation: `${choice.explanation} → wait until ${choice.time} in ${zone}`,
      });
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
      return now >= Date.parse(wait.until) ? { kind: 'next', handle: OUT } : null;
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

  label: 'Delay',
  hint: 'Wait a duration, until a time, or for an event',
  defaultData: () => ({ duration: 'P1D' }),
  outHandles: (d) => ('waitFor' in d ? ['event', 'timeout'] : [OUT]),
  kindName: (d) => ('waitFor' in d ? 'a waitFor delay' : 'a delay'),
  rules: () => [],
  breaksLoops: true,

  check(d) {
    if ('duration' in d) return durationIssues(d.duration, 'duration');
    if ('waitFor' in d) return durationIssues(d.waitFor.timeout, 'waitFor.timeout');
    if ('bestHour' in d) return [];
    if (d.timezone === undefined || isValidTimeZone(d.timezone)) return [];
    return [issueAt('timezone', 'timezone.invalid', `"${d.timezone}" is not an IANA time zone`, { value: d.timezone })];
  },

  summary(d) {
    if ('duration' in d) return `Wait ${describeDuration(d.duration)}`;
    if ('until' in d) return `Wait until ${describeTimeOfDay(d.until, d.timezone)}`;
    if ('bestHour' in d) return `Wait until the contact's usual active hour (else ${describeTimeOfDay(d.bestHour.fallback)})`;
    return `Wait for “${d.waitFor.event}”, at most ${describeDuration(d.waitFor.timeout)}`;
  },
};
