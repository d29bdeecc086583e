/**
 * An event for an anonymous contact arriving while that contact is merged into the known one (issue #22): the merge
 * transaction is held open on one connection, the event's ingest statement runs on another and waits on the merge's
 * row lock; when the merge commits, the event must land on the known contact — not fail on the deleted anonymous
 * row (a 500 the SDK would retry onto a brand-new anonymous contact), not be lost, not be stored twice. Events that
 * arrive after the merge for the old anonymous id follow it too.
 */
import { Pool } from 'pg';
import { ingestEventRows, mergeContacts, type EventRow } from '@boomerang/engine/runtime';
import { createMigratedDatabase, type MigratedDatabase } from '../support/database';

const T0 = new Date('2026-03-02T12:00:00Z');
const defaults = { createContactsOnEvent: true, nonActivityEvents: [] };

let database: MigratedDatabase;
const pools: Pool[] = [];
function pool(): Pool {
  const p = new Pool({ connectionString: database.url, max: 2 });
  p.on('error', () => undefined);
  pools.push(p);
  return p;
}

beforeAll(async () => {
  database = await createMigratedDatabase('anonymous_merge_race');
});
afterAll(async () => {
  await Promise.all(pools.map((p) => p.end()));
  await database.close();
});

const event = (externalId: string, name: string, messageId: string): EventRow => ({
  e: externalId,
  n: name,
  t: T0.toISOString(),
  p: {},
  m: messageId,
});

async function eventsOf(db: Pool) {
  return (
    await db.query<{ external_id: string; name: string; message_id: string }>(
      `SELECT c.external_id, e.name, e.message_id FROM events e JOIN contacts c ON c.id = e.contact_id ORDER BY e.message_id`,
    )
  ).rows;
}

/** Resolves once the ingest statement of `application_name` waits on a lock (seen from a third connection). */
async function waitsOnLock(observer: Pool, applicationName: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const { rows } = await observer.query(`SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'`, [
      applicationName,
    ]);
    if (rows.length) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`${applicationName} never waited on a lock: the interleaving did not happen`);
}

it.each([
  ['both contacts exist: the anonymous one is merged and deleted', true],
  ['the known contact is new: the anonymous one is renamed', false],
])('%s — the racing event lands on the known contact, once', async (_case, knownExists) => {
  const setup = pool();
  const anon = `anonymous:${knownExists ? 'a1' : 'a2'}`;
  const known = knownExists ? 'u1' : 'u2';
  await ingestEventRows(
    setup,
    [event(anon, 'page', `${anon}-before`), ...(knownExists ? [event(known, 'signed_in', `${known}-before`)] : [])],
    T0,
    defaults,
  );

  // the merge, held open after its last statement (its locks held) until the test lets it commit
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  let holding!: () => void;
  const isHolding = new Promise<void>((r) => (holding = r));
  const merging = mergeContacts(pool(), anon, known, T0, {
    beforeCommit: async () => {
      holding();
      await held;
    },
  });
  await isHolding;

  // the racing event, on its own connection: its statement reaches the anonymous row and waits for the merge
  const racer = new Pool({ connectionString: database.url, max: 1, application_name: `racer-${known}` });
  pools.push(racer);
  const racing = ingestEventRows(racer, [event(anon, 'track', `${anon}-racing`)], T0, defaults).then(
    (missing) => ({ missing }),
    (error: unknown) => ({ error: error as Error & { code?: string } }),
  );
  await waitsOnLock(setup, `racer-${known}`);
  release();
  expect(await merging).toBe(knownExists ? 'merged' : 'renamed');
  expect(await racing).toEqual({ missing: [] });

  // a retry of the same message (an SDK that timed out) and an event sent later under the anonymous id
  await ingestEventRows(setup, [event(anon, 'track', `${anon}-racing`), event(anon, 'page', `${anon}-late`)], T0, defaults);

  const stored = (await eventsOf(setup)).filter((e) => e.message_id.startsWith(anon) || e.message_id.startsWith(known));
  expect(stored).toEqual(
    [
      { external_id: known, name: 'page', message_id: `${anon}-before` },
      { external_id: known, name: 'page', message_id: `${anon}-late` },
      { external_id: known, name: 'track', message_id: `${anon}-racing` },
      ...(knownExists ? [{ external_id: known, name: 'signed_in', message_id: `${known}-before` }] : []),
    ].sort((a, b) => a.message_id.localeCompare(b.message_id)),
  );
  // no new anonymous contact was made for the old id
  const { rows } = await setup.query(`SELECT external_id FROM contacts WHERE external_id = $1`, [anon]);
  expect(rows).toEqual([]);
});
