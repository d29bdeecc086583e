/**
 * The engine's enrollment → advance → dispatch path on the Citus cluster of `npm run test:citus`, with the claims
 * per contact bucket (Engine option `claimByBucket`), and what Citus still refuses. Every locking statement the path
 * ran is EXPLAINed afterwards with its own parameters: each must be routed to one shard.
 */
import type { Pool } from 'pg';
import { VirtualClock } from '@boomerang/engine';
import { Engine, ingestEventRows, type EngineLogger } from '@boomerang/engine/runtime';
import { count, createActiveFlow, seedContacts, sendThenWaitGraph } from '../support/engine-fixtures';
import { citusPool, recordLocking, taskCount, truncateCluster, type Recorded } from './citus-database';

const T0 = new Date('2026-03-02T12:00:00Z');
const DAY = 86_400_000;

let db: Pool;
const errors: string[] = [];
const logger: EngineLogger = { warn: () => {}, error: (message: string) => errors.push(message) };

function engine(claimByBucket: boolean): Engine {
  return new Engine({ db, clock: new VirtualClock(db, () => T0), batchSize: 50, logger, claimByBucket });
}

beforeAll(() => {
  db = citusPool(20);
});
afterAll(() => db.end());
beforeEach(async () => {
  errors.length = 0;
  await truncateCluster(db);
});

describe('engine on Citus', () => {
  it('enrols, advances and dispatches with two engines at once: none lost, none doubled, every lock on one shard', async () => {
    const locking: Recorded[] = [];
    recordLocking(db, locking);
    await seedContacts(db, 300, { prefix: 'c' });
    const flowId = await createActiveFlow(db, sendThenWaitGraph());

    const started = Date.now();
    const reports = await Promise.all([engine(true).tick(T0), engine(true).tick(T0)]);
    const tickMs = Date.now() - started;
    expect(errors).toEqual([]);
    expect(reports.reduce((n, r) => n + r.enrolled, 0)).toBe(300);
    expect(reports.reduce((n, r) => n + r.sent, 0)).toBe(300);
    expect(
      await count(db, `SELECT count(*) n FROM journeys WHERE flow_id = $1 AND state = 'waiting' AND current_node_id = 'd'`, [flowId]),
    ).toBe(300);
    expect(await count(db, `SELECT count(DISTINCT contact_id) n FROM journeys`)).toBe(300);
    expect(await count(db, `SELECT count(*) n FROM messages WHERE status = 'delivered'`)).toBe(300);
    expect(await count(db, `SELECT count(*) n FROM (SELECT journey_id FROM messages GROUP BY 1 HAVING count(*) > 1) d`)).toBe(0);
    expect(await count(db, `SELECT count(*) n FROM journey_log WHERE kind = 'delivery'`)).toBe(300);
    // every log row sits with its journey's contact (the co-located foreign key says so, and the shard agrees)
    expect(
      await count(db, `SELECT count(*) n FROM journey_log l JOIN journeys j ON j.contact_id = l.contact_id AND j.id = l.journey_id`),
    ).toBe(await count(db, `SELECT count(*) n FROM journey_log`));

    // a day later the delay ends: every journey completes
    await Promise.all([
      engine(true).tick(new Date(T0.getTime() + DAY + 3_600_000)),
      engine(true).tick(new Date(T0.getTime() + DAY + 3_600_000)),
    ]);
    expect(errors).toEqual([]);
    expect(await count(db, `SELECT count(*) n FROM journeys WHERE state = 'completed'`)).toBe(300);

    // the journey claim and the outbox claim both ran, and each locking statement names one shard's contacts
    expect(locking.some((s) => /FROM journeys j/.test(s.text))).toBe(true);
    expect(locking.some((s) => /FROM messages q/.test(s.text))).toBe(true);
    const tasks = await Promise.all(locking.map((s) => taskCount(db, s)));
    expect(tasks.filter((n) => n !== 1)).toEqual([]);
    console.log(
      `citus path: 300 contacts enrolled, advanced and sent by 2 engines in ${tickMs} ms; ${locking.length} locking statements, each on 1 shard`,
    );
  });

  it('refuses the claims without buckets (FOR UPDATE over every shard)', async () => {
    await seedContacts(db, 20, { prefix: 'n' });
    await createActiveFlow(db, sendThenWaitGraph());
    await expect(engine(false).tick(T0)).rejects.toThrow(/could not run distributed query with FOR UPDATE\/SHARE commands/);
  });

  it('ingests through the external-id lookup, a retried message id once, and the event trigger enrols the new contact', async () => {
    const flowId = await createActiveFlow(db, sendThenWaitGraph({ kind: 'event', event: 'app_open' }));
    const event = { e: 'i0', n: 'app_open', t: T0.toISOString(), p: {}, m: 'seg-i0' };
    const defaults = { createContactsOnEvent: true, nonActivityEvents: [] };
    expect(await ingestEventRows(db, [event, event], T0, defaults)).toEqual([]);
    expect(await ingestEventRows(db, [event], T0, defaults)).toEqual([]);
    expect(await count(db, `SELECT count(*) n FROM contacts WHERE external_id = 'i0'`)).toBe(1);
    expect(await count(db, `SELECT count(*) n FROM events WHERE message_id = 'seg-i0'`)).toBe(1);
    expect(await count(db, `SELECT count(*) n FROM trigger_inbox WHERE flow_id = $1`, [flowId])).toBe(1);
    // an engine with the default options finds the sharded contacts itself and drains the inbox per bucket
    expect(await new Engine({ db, clock: new VirtualClock(db, () => T0), batchSize: 50, logger }).enroll(T0)).toBe(1);
    expect(errors).toEqual([]);
  });

  it('drains the event trigger’s inbox per bucket (without buckets: FOR UPDATE over every shard, refused)', async () => {
    const [contactId] = await seedContacts(db, 1, { prefix: 'e' });
    const flowId = await createActiveFlow(db, {
      ...sendThenWaitGraph({ kind: 'event', event: 'app_open' }),
    });
    // what the ingest statement writes, written here directly
    await db.query(
      `WITH e AS (INSERT INTO events (contact_id, name, occurred_at, received_at) VALUES ($1, 'app_open', $2, $2) RETURNING id)
       INSERT INTO trigger_inbox (flow_id, contact_id, event_id, event_name, occurred_at, received_at)
       SELECT $3, $1, e.id, 'app_open', $2, $2 FROM e`,
      [contactId, T0, flowId],
    );
    expect(await engine(false).enroll(T0)).toBe(0);
    expect(errors.join('\n')).toMatch(/could not run distributed query with FOR UPDATE\/SHARE commands/);
    expect(await engine(true).enroll(T0)).toBe(1);
    expect(await count(db, `SELECT count(*) n FROM trigger_inbox`)).toBe(0);
  });
});
