/** Journeys, contacts and events for specs; every time is explicit (a fake clock is just a Date you pass). */
import type { ContactFacts, EngineSettings, EventFact, JourneySnapshot, SendFact } from '../types';
import { defaultEngineSettings } from '../types';
import type { ChannelKind } from '../schema';

export const at = (iso: string) => new Date(iso);

export function newJourney(overrides: Partial<JourneySnapshot> = {}): JourneySnapshot {
  return {
    id: 'j1',
    flowId: 'f1',
    version: 1,
    contactId: 'c1',
    state: 'waiting',
    currentNodeId: 't',
    enteredAt: at('2026-01-05T12:00:00Z'),
    nextRunAt: null,
    stepSeq: 0,
    holdout: false,
    wait: null,
    context: {},
    ...overrides,
  };
}

export function contact(overrides: Partial<ContactFacts> = {}): ContactFacts {
  return {
    contactId: 'c1',
    externalId: 'u1',
    timezone: 'UTC',
    attributes: { firstName: 'Li', email: 'li@example.com', pushToken: 'tok', phone: '+8613800000000' },
    consent: { email: true, push: true, sms: true },
    lastActiveAt: null,
    events: [],
    recentSends: [],
    ...overrides,
  };
}

export const event = (name: string, iso: string, properties: Record<string, unknown> = {}, activity = true): EventFact => ({
  name,
  occurredAt: at(iso),
  properties,
  activity,
});

export const sent = (channel: ChannelKind, iso: string): SendFact => ({ channel, at: at(iso) });

/** Settings without quiet hours or caps, so a spec only meets the guardrail it is about. */
export const noGuardrails: EngineSettings = { ...defaultEngineSettings, quietHours: null, frequencyCaps: [] };
