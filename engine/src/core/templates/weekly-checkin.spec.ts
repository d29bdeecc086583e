/**
 * The mission's core rule, played tick by tick on a fake clock:
 * a re-engaged contact gets one check-in every 7 days until active, then none.
 *
 *   trigger(inactive 7 d) → winback(push) → returned?(waitFor app_open, P3D)
 *     —event→ week(P7D) → active? —yes→ goal(active)
 *                 ↑         —no→ capped?(checkin visits ≥ 12) —yes→ (end)
 *                 └──── checkin(push) ←──────────────————no—┘
 *     —timeout→ second(email) → (end)
 */
import { advance } from '../advance';
import { contact, event } from '../testing/fixtures';
import type { ContactFacts, EventFact, JourneySnapshot, SendEffect } from '../types';
import { defaultEngineSettings } from '../types';
import { WEEKLY_CHECKIN_CAP, weeklyCheckinGraph } from './weekly-checkin';

const DAY = 86_400_000;

interface Played {
  journey: JourneySnapshot;
  sends: SendEffect[];
  endedAt: Date | null;
}

/**
 * Advances the journey on every periodic tick (every `tickHours`), at every event's time (the runtime wakes journeys
 * on ingested events) and at its own nextRunAt (the runtime claims due journeys), feeding only events that have
 * happened and every send so far as recentSends.
 */
function play(events: EventFact[], from: string, days: number, tickHours = 6, facts: Partial<ContactFacts> = {}): Played {
  const start = Date.parse(from);
  const end = start + days * DAY;
  const tick = tickHours * 3_600_000;
  let journey: JourneySnapshot = {
    id: 'j1',
    flowId: 'weekly',
    version: 1,
    contactId: 'c1',
    state: 'waiting',
    currentNodeId: 'trigger',
    enteredAt: new Date(start),
    nextRunAt: null,
    stepSeq: 0,
    holdout: false,
    wait: null,
    context: {},
  };
  const sends: SendEffect[] = [];
  let t = start;
  while (t <= end) {
    const now = new Date(t);
    const known = contact({
      ...facts,
      events: events.filter((e) => e.occurredAt.getTime() <= t),
      recentSends: sends.map((s) => ({ channel: s.channel, at: s.at })),
    });
    const r = advance(journey, weeklyCheckinGraph, known, now, defaultEngineSettings, { id: 'weekly', name: 'Weekly' });
    sends.push(...r.effects.filter((e): e is SendEffect => e.type === 'send'));
    journey = r.journey;
    if (!['waiting', 'running'].includes(journey.state)) return { journey, sends, endedAt: now };
    // the next moment anything happens: a periodic tick, an ingested event, or the journey's own wake-up
    const candidates = [t + tick, ...events.map((e) => e.occurredAt.getTime()), journey.nextRunAt?.getTime() ?? Infinity];
    t = Math.min(...candidates.filter((c) => c > t));
  }
  return { journey, sends, endedAt: null };
}

const iso = (d: Date) => d.toISOString();

describe('weekly check-in template', () => {
  it('sends one check-in every 7 days while re-engaged, and none once active', () => {
    const events = [
      event('app_open', '2026-01-06T10:00:00Z'), // returned the day after the win-back
      event('app_open', '2026-01-31T10:00:00Z'),
      event('app_open', '2026-02-01T10:00:00Z'),
      event('app_open', '2026-02-02T20:00:00Z'), // third active day in a week: active
    ];
    const played = play(events, '2026-01-05T12:00:00Z', 60);
    expect(played.sends.map((s) => [s.nodeId, iso(s.at)])).toEqual([
      ['winback', '2026-01-05T12:00:00.000Z'],
      ['checkin', '2026-01-13T10:00:00.000Z'],
      ['checkin', '2026-01-20T10:00:00.000Z'],
      ['checkin', '2026-01-27T10:00:00.000Z'],
    ]);
    expect(played.journey.state).toBe('converted');
    expect(played.journey.currentNodeId).toBe('goal');
    expect(played.endedAt && iso(played.endedAt)).toBe('2026-02-02T20:00:00.000Z');
    expect(played.journey.context.returnedAt).toBe('2026-01-06T10:00:00.000Z');
  });

  it('idempotency keys are unique per send', () => {
    const played = play([event('app_open', '2026-01-06T10:00:00Z')], '2026-01-05T12:00:00Z', 40);
    const keys = played.sends.map((s) => s.idempotencyKey);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it(`stops after ${WEEKLY_CHECKIN_CAP} check-ins for a contact who never becomes active`, () => {
    const played = play([event('app_open', '2026-01-06T10:00:00Z')], '2026-01-05T12:00:00Z', 120, 12);
    const checkins = played.sends.filter((s) => s.nodeId === 'checkin');
    expect(checkins).toHaveLength(WEEKLY_CHECKIN_CAP);
    for (let i = 1; i < checkins.length; i++) {
      expect(checkins[i].at.getTime() - checkins[i - 1].at.getTime()).toBe(7 * DAY);
    }
    expect(played.journey).toMatchObject({ state: 'completed', currentNodeId: 'capped' });
  });

  it('keeps the local hour of check-ins across a DST change', () => {
    const played = play([event('app_open', '2026-02-24T15:00:00Z')], '2026-02-23T15:00:00Z', 30, 6, { timezone: 'America/New_York' });
    const checkins = played.sends.filter((s) => s.nodeId === 'checkin').map((s) => iso(s.at));
    // 10:00 local, EST then EDT
    expect(checkins.slice(0, 3)).toEqual(['2026-03-03T15:00:00.000Z', '2026-03-10T14:00:00.000Z', '2026-03-17T14:00:00.000Z']);
  });

  it('without a return, sends a second attempt by email and completes', () => {
    const played = play([], '2026-01-05T12:00:00Z', 10);
    expect(played.sends.map((s) => [s.nodeId, s.channel, iso(s.at)])).toEqual([
      ['winback', 'push', '2026-01-05T12:00:00.000Z'],
      ['second', 'email', '2026-01-08T12:00:00.000Z'],
    ]);
    expect(played.journey.state).toBe('completed');
  });
});
