/**
 * "At the contact's usual active hour": the local hour of day with the most activity over the last 8 weeks, from
 * counts the runtime aggregates in SQL (`ContactFacts.activeHours`). Too little history → the workspace's busiest
 * hour for the contact's zone → the delay's own fallback time. Quiet hours still apply at the message that follows.
 */
export interface ActiveHours {
  /** activity events per local hour 0–23 of the contact over the look-back */
  contact: readonly number[];
  /** activity events per local hour 0–23 of the workspace's contacts in the same zone (a bounded recent sample) */
  zone: readonly number[];
}

export interface SendHourChoice {
  /** local time of day, HH:mm */
  time: string;
  source: 'contact' | 'zone' | 'fallback';
  /** events the choice rests on */
  events: number;
  explanation: string;
}

/** Fewest events for a histogram to speak for the contact, or for its zone. */
export const MIN_CONTACT_EVENTS = 5;
export const MIN_ZONE_EVENTS = 50;
export const BEST_HOUR_LOOKBACK_DAYS = 56;

const hh = (hour: number) => `${String(hour).padStart(2, '0')}:00`;

/** The busiest hour (earliest on a tie) and the total, or null for an empty or malformed histogram. */
export function busiestHour(counts: readonly number[] | undefined): { hour: number; total: number } | null {
  if (!counts || counts.length !== 24) return null;
  let hour = 0;
  let total = 0;
  for (let h = 0; h < 24; h++) {
    total += counts[h];
    if (counts[h] > counts[hour]) hour = h;
  }
  return total > 0 ? { hour, total } : null;
}

export function chooseSendHour(active: ActiveHours | undefined, fallback: string): SendHourChoice {
  const own = busiestHour(active?.contact);
  if (own && own.total >= MIN_CONTACT_EVENTS) {
    return {
      time: hh(own.hour),
      source: 'contact',
      events: own.total,
      explanation: `usually active around ${hh(own.hour)}, from ${own.total} activity events in the last 8 weeks`,
    };
  }
  const zone = busiestHour(active?.zone);
  if (zone && zone.total >= MIN_ZONE_EVENTS) {
    return {
      time: hh(zone.hour),
      source: 'zone',
      events: zone.total,
      explanation: `too little activity of their own (${own?.total ?? 0} events): the busiest hour of contacts in their time zone, ${hh(zone.hour)}`,
    };
  }
  return {
    time: fallback,
    source: 'fallback',
    events: own?.total ?? 0,
    explanation: `too little activity to tell (${own?.total ?? 0} events): the set hour, ${fallback}`,
  };
}
