/**
 * Claims per contact bucket (Engine option `claimByBucket`, engine/src/runtime/store/buckets.ts) on plain
 * PostgreSQL. The migration answers one bucket for everyone; here the database is given seven buckets
 * (`contact_id % 7`), so every claim reads candidates across buckets and locks bucket by bucket, as on Citus where a
 * bucket is a shard. Three engines at once: every journey stepped once, every message sent once.
 */
import type { Pool } from 'pg';
import { VirtualClock } from '@boomerang/engine';
import { Engine } from '@boomerang/engine/runtime';
import { poolOf } from '../../api/src/engine/engine.module';
import { createMigratedDatabase, type MigratedDatabase } from '../support/database';
import { count, countWaitingAfterSend, createActiveFlow, seedContacts, sendThenWaitGraph } from '../support/engine-fixtures';

const T0 = new Date('2026-03-02T12:00:00Z');
const N = 1500;

let database: MigratedDatabase;
let db: Pool;

beforeEach(async () => {
  database = await createMigratedDatabase('engine_buckets', 20);
  db = poolOf(database.dataSource);
  await db.query(`CREATE OR REPLACE FUNCTION boomerang_contact_bucket(contact_id bigint) RETURNS bigint
                  LANGUAGE sql IMMUTABLE AS $$ SELECT contact_id % 7 $$`);
});
afterEach(async () => database.close());

function engine(claimByBucket = true): Engine {
  return new Engine({ db, clock: new VirtualClock(db, () => T0), batchSize: 100, claimByBucket });
}

describe('claims per contact bucket', () => {
  it('three engines at once step every journey once and send every message once', async () => {
    await seedContacts(db, N, { prefix: 'b' });
    const flowId = await createActiveFlow(db, sendThenWaitGraph());
    expect(await engine().enroll(T0)).toBe(N);
    const reports = await Promise.all([engine().tick(T0), engine().tick(T0), engine().tick(T0)]);

    expect(reports.reduce((n, r) => n + r.steps, 0)).toBe(3 * N);
    expect(reports.reduce((n, r) => n + r.sent, 0)).toBe(N);
    // each engine claimed a share: the buckets did not serialise the work onto one of them
    expect(reports.filter((r) => r.claimed > 0).length).toBeGreaterThan(1);
    expect(await countWaitingAfterSend(db, flowId)).toBe(N);
    expect(await count(db, `SELECT count(*) n FROM messages WHERE status = 'delivered'`)).toBe(N);
    expect(await count(db, `SELECT count(*) n FROM journey_log WHERE kind = 'delivery'`)).toBe(N);
    expect(
      await count(db, `SELECT count(*) n FROM (SELECT journey_id FROM journey_log WHERE kind = 'node' GROUP BY 1 HAVING count(*) <> 3) x`),
    ).toBe(0);
  });

  it('locks bucket by bucket: each locking statement names the contacts of one bucket', async () => {
    await seedContacts(db, 70, { prefix: 'l' });
    await createActiveFlow(db, sendThenWaitGraph());
    const locking: { contacts: string[] }[] = [];
    const connect = db.connect.bind(db) as () => Promise<import('pg').PoolClient>;
    (db as { connect: unknown }).connect = async (...args: unknown[]) => {
      if (args.length) return (connect as (...a: unknown[]) => unknown)(...args);
      const client = await connect();
      const query = client.query.bind(client) as (...a: unknown[]) => unknown;
      (client as { query: unknown }).query = (...q: unknown[]) => {
        if (typeof q[0] === 'string' && /FOR UPDATE/.test(q[0]) && /= ANY\(\$1::bigint\[\]\)/.test(q[0])) {
          locking.push({ contacts: (q[1] as string[][])[0] });
        }
        return query(...q);
      };
      const release = client.release.bind(client);
      client.release = (...r: Parameters<typeof release>) => (((client as { query: unknown }).query = query as never), release(...r));
      return client;
    };
    const report = await engine().tick(T0);
    expect(report.sent).toBe(70);
    expect(locking.length).toBeGreaterThanOrEqual(7);
    for (const { contacts } of locking) expect(new Set(contacts.map((c) => Number(c) % 7)).size).toBe(1);
  });
});
