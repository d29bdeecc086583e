import type { OperationsReport } from './operations-api';
import { operationsChecks, rateLimitWords, secondsAgo } from './operations-view';

const process = (alive: boolean) => ({
  id: 'p',
  hostname: 'h',
  pid: 1,
  startedAt: '',
  seenAt: '',
  lastTickAt: null,
  ticks: 3,
  lastTickMs: 12,
  lastError: null,
  secondsSinceSeen: alive ? 2 : 900,
  alive,
});
const report = (over: Partial<OperationsReport> = {}): OperationsReport => ({
  now: '2026-11-30T00:00:00Z',
  overdueAfterSeconds: 300,
  journeys: { overdue: 0 },
  messages: { overdue: 0, failedAfterRetries: 0, failedAfterRetriesLastDay: 0 },
  receipts: { unmatched: 0, oldestReceivedAt: null },
  enrollment: { slowFlows: 0, flows: [] },
  engine: { alive: 1, aliveAfterSeconds: 60, processes: [process(true)] },
  ...over,
});
const states = (r: OperationsReport) => Object.fromEntries(operationsChecks(r).map((c) => [c.key, c.state]));

describe('operationsChecks', () => {
  it('all fine when nothing is late and an engine ticks', () => {
    expect(new Set(Object.values(states(report())))).toEqual(new Set(['fine']));
    expect(operationsChecks(report()).map((c) => c.words)).toContain('Every journey moves on when it is due.');
  });

  it.each([
    [{ journeys: { overdue: 4 } }, 'journeysOverdue', '4 journeys of active flows should have moved on more than 300 seconds ago'],
    [{ messages: { overdue: 1, failedAfterRetries: 0, failedAfterRetriesLastDay: 0 } }, 'messagesOverdue', '1 message queued'],
    [{ messages: { overdue: 0, failedAfterRetries: 7, failedAfterRetriesLastDay: 2 } }, 'failedAfterRetries', '2 of them in the last day'],
    [{ receipts: { unmatched: 3, oldestReceivedAt: null } }, 'unmatchedReceipts', '3 delivery receipts from providers name a message'],
    [{ enrollment: { slowFlows: 1, flows: [] } }, 'slowEnrollment', '1 active flow has trigger events waiting'],
    [{ engine: { alive: 0, aliveAfterSeconds: 60, processes: [process(false)] } }, 'engineAlive', 'No engine process has ticked'],
  ] as const)('%j → %s needs attention', (over, key, words) => {
    const check = operationsChecks(report(over as Partial<OperationsReport>)).find((c) => c.key === key)!;
    expect(check.state).toBe('attention');
    expect(check.words).toContain(words);
  });

  it('old failures alone are history, not attention', () => {
    const r = report({ messages: { overdue: 0, failedAfterRetries: 3, failedAfterRetriesLastDay: 0 } });
    expect(states(r).failedAfterRetries).toBe('fine');
  });

  it('counts silent processes next to the live ones', () => {
    const r = report({ engine: { alive: 1, aliveAfterSeconds: 60, processes: [process(true), process(false)] } });
    expect(operationsChecks(r).find((c) => c.key === 'engineAlive')!.words).toBe('1 engine process ticking, 1 silent.');
  });
});

it.each([
  [4.4, '4 s ago'],
  [119, '119 s ago'],
  [600, '10 min ago'],
  [10_800, '3 h ago'],
  [259_200, '3 days ago'],
])('secondsAgo(%s) → %s', (s, text) => expect(secondsAgo(s)).toBe(text));

describe('rateLimitWords', () => {
  it('says the limit, the current rate and the backlog', () => {
    expect(rateLimitWords({ channel: 'sms', limit: 10, per: 's', sentInWindow: 7, backlog: 120 })).toEqual({
      limit: 'at most 10 messages a second',
      rate: '7 messages sent in the last second (70 % of the limit)',
      backlog: '120 due messages waiting for room, in order',
    });
    expect(rateLimitWords({ channel: 'email', limit: 1, per: 'd', sentInWindow: 1, backlog: 0 })).toEqual({
      limit: 'at most 1 message a day',
      rate: '1 message sent in the last day (100 % of the limit)',
      backlog: 'nothing waiting',
    });
  });
});
