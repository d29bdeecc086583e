/**
 * Sixty virtual days of the weekly check-in template over 1,000 contacts with scripted behaviour. Every day at 12:00
 * UTC the script ingests the day's events, then `advanceClock('P1D')` plays the next day (every due step in order).
 *
 *   template: trigger(inactive 7 d, cooldown P30D) → winback push → waitFor app_open 3 d
 *     —event→ week P7D → active? yes: goal · no: checkin push → week …   —timeout→ second email → completed
 */
import type { Pool } from 'pg';
import { findFlowTemplate, isHoldout } from '@boomerang/engine';
import { Engine, VirtualClock } from '@boomerang/engine/runtime';
import { poolOf } from '../../api/src/engine/engine.module';
import { createMigratedDatabase, type MigratedDatabase } from '../support/database';
import { createActiveFlow, ingestEvents, seedContacts } from '../support/engine-fixtures';

const T0 = new Date('2026-03-02T12:00:00Z');
const DAY = 86_400_000;

let database: MigratedDatabase;
let db: Pool;
beforeAll(async () => {
  database = await createMigratedDatabase('engine_checkin');
  db = poolOf(database.dataSource);
});
afterAll(async () => database.close());

type Cohort = 'never' | 'onceNeverActive' | 'activeWeek2' | 'activeWeek1' | 'noConsent';

/** messages per contact over 60 days, by cohort (holdout contacts: 0 whatever they do) */
const expected: Record<Cohort, number> = {
  // winback d0, timeout → email d3, completed; cooldown 30 d → re-enters d33: push d33, email d36
  never: 4,
  // winback d0, returns d1, check-ins d8, 15, 22, 29, 36, 43, 50, 57
  onceNeverActive: 9,
  // winback d0, returns d1, check-in d8 (not active yet), active d9–d11 → converted d11, stays active
  activeWeek2: 2,
  // winback d0, active d1–d3 → converted d3
  activeWeek1: 1,
  // no consent on any channel: nothing can be sent
  noConsent: 0,
};

/** which days (0–59) each cohort opens the app */
const script: Record<Cohort, (day: number) => boolean> = {
  never: () => false,
  onceNeverActive: (d) => d === 1,
  activeWeek2: (d) => d === 1 || d >= 9,
  activeWeek1: (d) => d >= 1,
  noConsent: () => false,
};

it('plays 60 days of the weekly check-in with exact per-contact message counts', async () => {
  const clock = new VirtualClock(db, () => T0);
  await clock.set(T0);
  const sizes: [Cohort, number][] = [
    ['never', 300],
    ['onceNeverActive', 300],
    ['activeWeek2', 200],
    ['activeWeek1', 150],
    ['noConsent', 50],
  ];
  const members = new Map<Cohort, string[]>();
  for (const [cohort, size] of sizes) {
    members.set(
      cohort,
      await seedContacts(db, size, {
        prefix: cohort,
        lastActiveAt: new Date(T0.getTime() - 8 * DAY),
        consent: cohort === 'noConsent' ? { push: false, email: false, sms: false } : { push: true, email: true },
      }),
    );
  }
  const flowId = await createActiveFlow(db, findFlowTemplate('weekly-checkin')!.graph, { holdoutPercent: 10, activatedAt: T0 });
  const engine = new Engine({ db, clock, batchSize: 200 });

  await engine.tick(T0);
  for (let day = 1; day <= 60; day++) {
    const report = await engine.advanceClock(clock, 'P1D');
    expect(report.now.getTime()).toBe(T0.getTime() + day * DAY);
    for (const [cohort, ids] of members) {
      if (script[cohort](day)) await ingestEvents(db, ids, 'app_open', report.now);
    }
  }

  const rows = await db.query<{ id: string; n: string }>(
    `SELECT c.id::text, count(m.id) n FROM contacts c LEFT JOIN messages m ON m.contact_id = c.id GROUP BY c.id`,
  );
  const sent = new Map(rows.rows.map((r) => [r.id, Number(r.n)]));
  let holdouts = 0;
  for (const [cohort, ids] of members) {
    const wrong: string[] = [];
    for (const id of ids) {
      const want = isHoldout(flowId, id, 10) ? 0 : expected[cohort];
      if (isHoldout(flowId, id, 10)) holdouts++;
      if (sent.get(id) !== want) wrong.push(`${id}: ${sent.get(id)} (want ${want})`);
    }
    expect({ cohort, wrong: wrong.slice(0, 5) }).toEqual({ cohort, wrong: [] });
  }
  expect(holdouts).toBeGreaterThan(50);
  // the database agrees with the engine's own bookkeeping
  const states = await db.query<{ state: string; n: string }>(`SELECT state, count(*) n FROM journeys GROUP BY state ORDER BY state`);
  expect(Object.fromEntries(states.rows.map((r) => [r.state, Number(r.n)]))).toMatchObject({ converted: 350 });
  const undelivered = await db.query(`SELECT count(*) n FROM messages WHERE status <> 'delivered'`);
  expect(Number(undelivered.rows[0].n)).toBe(0);
});
