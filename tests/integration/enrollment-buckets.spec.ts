/**
 * An event trigger's inbox drained per contact bucket (Engine option `claimByBucket`, store/buckets.ts) on plain
 * PostgreSQL, with seven buckets (`contact_id % 7`) as in engine-buckets.spec: candidates in inbox order unlocked, then
 * one DELETE per bucket naming its contacts and rows. Every inbox row is consumed once and every contact enrols once,
 * whatever the number of engines; rows another transaction holds are walked past and taken later.
 */
import type { Pool } from 'pg';
import { VirtualClock } from '@boomerang/engine';
import { Engine, type EngineLogger } from '@boomerang/engine/runtime';
import { poolOf } from '../../api/src/engine/engine.module';
import { createMigratedDatabase, type MigratedDatabase } from '../support/database';
import { count, createActiveFlow, ingestEvents, seedContacts, sendThenWaitGraph } from '../support/engine-fixtures';

const T0 = new Date('2026-03-02T12:00:00Z');
const HOUR = 3_600_000;

let database: MigratedDatabase;
let db: Pool;
const warnings: string[] = [];
const logger: EngineLogger = { warn: (m: string) => warnings.push(m), error: (m: string) => warnings.push(`error: ${m}`) };

beforeEach(async () => {
  warnings.length = 0;
  database = await createMigratedDatabase('enrollment_buckets', 20);
  db = poolOf(database.dataSource);
  await db.query(`CREATE OR REPLACE FUNCTION boomerang_contact_bucket(contact_id bigint) RETURNS bigint
                  LANGUAGE sql IMMUTABLE AS $$ SELECT contact_id % 7 $$`);
});
afterEach(async () => database.close());

function engine(): Engine {
  return new Engine({ db, clock: new VirtualClock(db, () => T0), batchSize: 100, claimByBucket: true, logger });
}

describe('event trigger inbox drained per contact bucket', () => {
  it('three engines enrolling while events arrive consume every inbox row once and enrol every contact once', async () => {
    const flowId = await createActiveFlow(db, sendThenWaitGraph({ kind: 'event', event: 'app_open', maxAge: 'PT1H' }));
    const contacts = await seedContacts(db, 900, { prefix: 'w' });
    const twice = contacts.slice(0, 150);
    const late = contacts.slice(850); // their event occurred two hours before it was received: too old for maxAge
    let enrolled = 0;
    const enrolAll = async () =>
      (await Promise.all([engine(), engine(), engine()].map((e) => e.enroll(T0)))).forEach((n) => (enrolled += n));
    for (let wave = 0; wave < 5; wave++) {
      const slice = contacts.slice(wave * 200, Math.min(wave * 200 + 200, 850));
      await Promise.all([ingestEvents(db, slice, 'app_open', T0), enrolAll()]);
    }
    await ingestEvents(db, twice, 'app_open', T0);
    await ingestEvents(db, late, 'app_open', new Date(T0.getTime() - 2 * HOUR));
    await db.query(`UPDATE trigger_inbox SET received_at = $1 WHERE contact_id = ANY($2::bigint[])`, [T0, late]);
    await enrolAll();
    await enrolAll();

    expect(await count(db, `SELECT count(*) n FROM trigger_inbox`)).toBe(0);
    expect(enrolled).toBe(850);
    expect(await count(db, `SELECT count(*) n FROM journeys WHERE flow_id = $1`, [flowId])).toBe(850);
    expect(await count(db, `SELECT count(DISTINCT contact_id) n FROM journeys`)).toBe(850);
    expect(await count(db, `SELECT count(*) n FROM journeys WHERE contact_id = ANY($1::bigint[])`, [late])).toBe(0);
    expect(warnings.filter((w) => w.startsWith('error'))).toEqual([]);
    expect(warnings.join('\n')).toMatch(/50 "app_open" event\(s\) ignored: they occurred more than maxAge PT1H/);
  });

  it('walks past inbox rows another transaction holds and takes them once it lets go', async () => {
    await createActiveFlow(db, sendThenWaitGraph({ kind: 'event', event: 'app_open' }));
    const contacts = await seedContacts(db, 70, { prefix: 'h' });
    await ingestEvents(db, contacts, 'app_open', T0);
    const holder = await db.connect();
    try {
      await holder.query('BEGIN');
      const held = await holder.query<{ contact_id: string }>(`SELECT contact_id::text FROM trigger_inbox ORDER BY id LIMIT 10 FOR UPDATE`);
      expect(await engine().enroll(T0)).toBe(60);
      expect(
        await count(db, `SELECT count(*) n FROM journeys WHERE contact_id = ANY($1::bigint[])`, [held.rows.map((r) => r.contact_id)]),
      ).toBe(0);
      await holder.query('ROLLBACK');
    } finally {
      holder.release();
    }
    expect(await engine().enroll(T0)).toBe(10);
    expect(await count(db, `SELECT count(*) n FROM trigger_inbox`)).toBe(0);
    expect(await count(db, `SELECT count(DISTINCT contact_id) n FROM journeys`)).toBe(70);
  });
});
