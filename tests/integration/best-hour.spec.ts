/**
 * "At the contact's usual active hour" (issue 24) on the virtual clock: contacts in three zones, active mostly at
 * 08:00, 13:00 or 21:00 local over the last weeks, get their message at that hour; quiet hours 22:00–08:00 hold
 * nobody (each chosen hour is outside them). A contact without history falls back to its zone's busiest hour, and
 * without either to the delay's set hour.
 *
 *   t(event go) → when(delay bestHour, fallback 10:00) → m(push)
 */
import type { Pool } from 'pg';
import { DateTime } from 'luxon';
import { Engine, VirtualClock } from '@boomerang/engine/runtime';
import { poolOf } from '../../api/src/engine/engine.module';
import { createMigratedDatabase, type MigratedDatabase } from '../support/database';
import { createActiveFlow, ingestEvents, seedContacts } from '../support/engine-fixtures';
import { ingestEventRows, type EventRow } from '@boomerang/engine/runtime';
import type { FlowGraphDocument } from '@boomerang/engine';

const T0 = new Date('2026-03-10T03:30:00Z');
const ZONES = ['Asia/Shanghai', 'Europe/London', 'America/New_York'];
const TYPES = [8, 13, 21];

let database: MigratedDatabase;
let db: Pool;
beforeAll(async () => {
  database = await createMigratedDatabase('best_hour');
  db = poolOf(database.dataSource);
  await db.query(`INSERT INTO workspace_settings (id, settings) VALUES (1, $1)`, [
    JSON.stringify({ quietHours: { start: '22:00', end: '08:00' }, frequencyCaps: [] }),
  ]);
});
afterAll(async () => database.close());

const graph: FlowGraphDocument = {
  nodes: [
    { id: 't', type: 'trigger', position: { x: 0, y: 0 }, data: { kind: 'event', event: 'go' } },
    { id: 'when', type: 'delay', position: { x: 0, y: 1 }, data: { bestHour: { fallback: '10:00' } } },
    { id: 'm', type: 'channel', position: { x: 0, y: 2 }, data: { channel: 'push', template: { title: 'Hi', body: 'Back?' } } },
  ],
  edges: [
    { id: 'e1', source: 't', target: 'when' },
    { id: 'e2', source: 'when', target: 'm' },
  ],
};

describe('best hour', () => {
  it('sends at each contact’s usual local hour in three zones; the zone’s hour, then the set hour, without history', async () => {
    const flowId = await createActiveFlow(db, graph);
    const people: { id: string; zone: string; hour: number | null }[] = [];
    for (const zone of ZONES) {
      for (const hour of TYPES) {
        const ids = await seedContacts(db, 4, { prefix: `${zone}-${hour}-`, timezone: zone });
        people.push(...ids.map((id) => ({ id, zone, hour })));
      }
    }
    // a contact with no history, in London (the zone's busiest hour decides) and one in a zone nobody else lives in
    const [newcomer] = await seedContacts(db, 1, { prefix: 'new-', timezone: 'Europe/London' });
    const [loner] = await seedContacts(db, 1, { prefix: 'loner-', timezone: 'Pacific/Chatham' });

    // 6 weeks of history: the type's hour on most days, a stray other hour now and then
    const history: EventRow[] = [];
    const external = new Map(
      (await db.query<{ id: string; external_id: string }>(`SELECT id::text, external_id FROM contacts`)).rows.map((r) => [
        r.id,
        r.external_id,
      ]),
    );
    for (const p of people) {
      for (let day = 1; day <= 42; day++) {
        const local = DateTime.fromJSDate(T0, { zone: p.zone }).minus({ days: day }).startOf('day');
        if (day % 3 !== 0)
          history.push({ e: external.get(p.id)!, n: 'app_open', t: local.set({ hour: p.hour!, minute: 12 }).toUTC().toISO()!, p: {} });
        if (day % 7 === 0) history.push({ e: external.get(p.id)!, n: 'app_open', t: local.set({ hour: 16 }).toUTC().toISO()!, p: {} });
      }
    }
    await ingestEventRows(db, history, T0, { createContactsOnEvent: false, nonActivityEvents: [] });

    const clock = new VirtualClock(db, () => T0);
    await clock.set(T0);
    const engine = new Engine({ db, clock, heartbeat: false });
    await ingestEvents(db, [...people.map((p) => p.id), newcomer, loner], 'go', T0);
    await engine.advanceClock(clock, 'P2D');

    const sent = await db.query<{ contact_id: string; sent_at: Date }>(
      `SELECT contact_id::text, sent_at FROM messages WHERE flow_id = $1`,
      [flowId],
    );
    const localHour = (id: string, zone: string) => {
      const m = sent.rows.find((r) => r.contact_id === id);
      return m ? DateTime.fromJSDate(m.sent_at, { zone }).hour : null;
    };
    for (const p of people)
      expect({ zone: p.zone, type: p.hour, sentAt: localHour(p.id, p.zone) }).toEqual({ zone: p.zone, type: p.hour, sentAt: p.hour });
    // London's contacts are 08:00, 13:00 and 21:00 types in equal numbers: the earliest busiest hour wins
    expect(localHour(newcomer, 'Europe/London')).toBe(8);
    expect(localHour(loner, 'Pacific/Chatham')).toBe(10);
    // the log says which hour and why
    const why = await db.query<{ detail: { explanation: string; bestHour: { source: string } } }>(
      `SELECT l.detail FROM journey_log l JOIN journeys j ON j.id = l.journey_id
        WHERE j.contact_id = $1 AND l.kind = 'decision' AND l.node_id = 'when'`,
      [people[2].id],
    );
    expect(why.rows[0].detail.explanation).toMatch(
      /^usually active around 08:00, from \d+ activity events in the last 8 weeks → wait until 08:00 in Asia\/Shanghai$/,
    );
    const newcomerWhy = await db.query<{ detail: { bestHour: { source: string } } }>(
      `SELECT l.detail FROM journey_log l JOIN journeys j ON j.id = l.journey_id WHERE j.contact_id = $1 AND l.kind = 'decision'`,
      [newcomer],
    );
    expect(newcomerWhy.rows[0].detail.bestHour.source).toBe('zone');
  });
});
