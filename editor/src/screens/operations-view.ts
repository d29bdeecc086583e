/** The Operations screen's words: each figure of `/api/health/details` as a check that is fine or needs attention. */
import type { OperationsReport } from './operations-api';

export interface OperationsCheck {
  key: 'journeysOverdue' | 'messagesOverdue' | 'failedAfterRetries' | 'unmatchedReceipts' | 'slowEnrollment' | 'engineAlive';
  label: string;
  value: number;
  state: 'fine' | 'attention';
  /** one sentence in plain words */
  words: string;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en')} ${n === 1 ? one : many}`;

export function operationsChecks(r: OperationsReport): OperationsCheck[] {
  const late = `more than ${plural(r.overdueAfterSeconds, 'second')}`;
  const failedToday = r.messages.failedAfterRetriesLastDay;
  return [
    {
      key: 'journeysOverdue',
      label: 'Journeys overdue',
      value: r.journeys.overdue,
      state: r.journeys.overdue > 0 ? 'attention' : 'fine',
      words:
        r.journeys.overdue > 0
          ? `${plural(r.journeys.overdue, 'journey')} of active flows should have moved on ${late} ago and have not: is an engine running?`
          : 'Every journey moves on when it is due.',
    },
    {
      key: 'messagesOverdue',
      label: 'Messages overdue',
      value: r.messages.overdue,
      state: r.messages.overdue > 0 ? 'attention' : 'fine',
      words:
        r.messages.overdue > 0
          ? `${plural(r.messages.overdue, 'message')} queued to go out ${late} ago ${r.messages.overdue === 1 ? 'is' : 'are'} still waiting: the sending is behind.`
          : 'Messages go out when they are due.',
    },
    {
      key: 'failedAfterRetries',
      label: 'Failed after retries',
      value: r.messages.failedAfterRetries,
      state: failedToday > 0 ? 'attention' : 'fine',
      words:
        r.messages.failedAfterRetries === 0
          ? 'No message has failed after every retry.'
          : `${plural(r.messages.failedAfterRetries, 'message')} failed after every retry, ${failedToday.toLocaleString('en')} of them in the last day${failedToday > 0 ? ': check the channel settings and the provider' : ''}.`,
    },
    {
      key: 'unmatchedReceipts',
      label: 'Receipts without a message',
      value: r.receipts.unmatched,
      state: r.receipts.unmatched > 0 ? 'attention' : 'fine',
      words:
        r.receipts.unmatched > 0
          ? `${plural(r.receipts.unmatched, 'delivery receipt')} from providers name${r.receipts.unmatched === 1 ? 's' : ''} a message this workspace never recorded (kept ${late}): is a provider's callback address shared with another installation?`
          : 'Every delivery receipt found its message.',
    },
    {
      key: 'slowEnrollment',
      label: 'Flows enrolling slowly',
      value: r.enrollment.slowFlows,
      state: r.enrollment.slowFlows > 0 ? 'attention' : 'fine',
      words:
        r.enrollment.slowFlows > 0
          ? `${plural(r.enrollment.slowFlows, 'active flow')} ${r.enrollment.slowFlows === 1 ? 'has' : 'have'} trigger events waiting ${late} to enrol people.`
          : 'Trigger events enrol people promptly.',
    },
    {
      key: 'engineAlive',
      label: 'Engine processes alive',
      value: r.engine.alive,
      state: r.engine.alive === 0 ? 'attention' : 'fine',
      words:
        r.engine.alive === 0
          ? `No engine process has ticked in the last ${plural(r.engine.aliveAfterSeconds, 'second')}: nothing moves until one runs.`
          : `${plural(r.engine.alive, 'engine process', 'engine processes')} ticking${r.engine.processes.length > r.engine.alive ? `, ${r.engine.processes.length - r.engine.alive} silent` : ''}.`,
    },
  ];
}

/** "12 s ago", "4 min ago", "3 h ago", "2 days ago" for a number of seconds. */
export function secondsAgo(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 120) return `${s} s ago`;
  if (s < 7200) return `${Math.round(s / 60)} min ago`;
  if (s < 172_800) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86_400)} days ago`;
}

export type RateLimitUsage = NonNullable<OperationsReport['rateLimits']>[number];

/** A rate-limit period in words: `per second`, `per day`. */
export const periodWords = { s: 'second', m: 'minute', h: 'hour', d: 'day' } as const;

/** One provider limit's current rate and backlog in words. */
export function rateLimitWords(l: RateLimitUsage): { limit: string; rate: string; backlog: string } {
  const period = periodWords[l.per];
  return {
    limit: `at most ${plural(l.limit, 'message')} a ${period}`,
    rate: `${plural(l.sentInWindow, 'message')} sent in the last ${period} (${Math.round((100 * l.sentInWindow) / l.limit)} % of the limit)`,
    backlog: l.backlog > 0 ? `${plural(l.backlog, 'due message')} waiting for room, in order` : 'nothing waiting',
  };
}
