/**
 * Receipts are never lost (issue 19): providers call back at any moment around the dispatcher's commit — while the
 * send is still in flight, before the chunk commits the provider id, after it — and repeat or reorder their
 * callbacks. Whatever the timing and order, every message ends in its final receipt status and no receipt is left.
 *
 *   t(event go) → m(push) → d(P1D)        the adapter calls recordReceipt itself, on the same database
 */
import fc from 'fast-check';
import type { Pool } from 'pg';
import {
  Engine,
  VirtualClock,
  recordReceipt,
  type ChannelAdapter,
  type OutgoingMessage,
  type ReceiptStatus,
} from '@boomerang/engine/runtime';
import { poolOf } from '../../api/src/engine/engine.module';
import { createMigratedDatabase, type MigratedDatabase } from '../support/database';
import { count, createActiveFlow, ingestEvents, seedContacts, sendThenWaitGraph } from '../support/engine-fixtures';

const T0 = new Date('2026-03-02T12:00:00Z');

let database: MigratedDatabase;
let db: Pool;
beforeAll(async () => {
  database = await createMigratedDatabase('receipts_race');
  db = poolOf(database.dataSource);
});
afterAll(async () => database.close());

/** One receipt of a message's stream: when it is sent relative to the send, and what it says. */
interface Callback {
  /** -1: inside send(), before the provider id is even returned; else ms after send() returned */
  delayMs: number;
  status: ReceiptStatus;
}

/** Truth per message and its callback stream: the final status 1–3 times, a bounce perhaps after an earlier "delivered". */
const streamArb = fc
  .record({
    final: fc.constantFrom<ReceiptStatus>('delivered', 'failed', 'bounced'),
    copies: fc.integer({ min: 1, max: 3 }),
    deliveredFirst: fc.boolean(),
    delays: fc.array(fc.integer({ min: -1, max: 40 }), { minLength: 4, maxLength: 4 }),
  })
  .map(({ final, copies, deliveredFirst, delays }) => {
    const statuses: ReceiptStatus[] = Array.from({ length: copies }, () => final);
    // an e-mail can be reported delivered and bounce later; the two may arrive in either order
    if (final !== 'delivered' && deliveredFirst) statuses.push('delivered');
    return { final, callbacks: statuses.map((status, i): Callback => ({ status, delayMs: delays[i] })) };
  });

class RacingProvider implements ChannelAdapter {
  readonly name = 'racing-provider';
  readonly inFlight: Promise<unknown>[] = [];
  constructor(private readonly streams: Map<string, Callback[]>) {}
  async send(message: OutgoingMessage) {
    const providerId = `prov-${message.messageId}`;
    const callbacks = this.streams.get(message.to ?? '') ?? [];
    const fire = (c: Callback) => recordReceipt(db, { providerId, channel: 'push', status: c.status }, T0);
    for (const c of callbacks.filter((c) => c.delayMs < 0)) await fire(c);
    for (const c of callbacks.filter((c) => c.delayMs >= 0)) {
      this.inFlight.push(new Promise((resolve) => setTimeout(resolve, c.delayMs)).then(() => fire(c)));
    }
    return { providerId, status: 'sent' as const };
  }
}

describe('receipts racing the dispatcher', () => {
  let run = 0;
  it('every message ends in its final receipt status, whatever the timing, duplicates and order; none is left', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(streamArb, { minLength: 1, maxLength: 12 }), async (streams) => {
        const prefix = `r${++run}-`;
        const ids = await seedContacts(db, streams.length, { prefix, attributes: (i) => ({ pushToken: `${prefix}tok${i}` }) });
        const flowId = await createActiveFlow(db, sendThenWaitGraph({ kind: 'event', event: `go${run}` }));
        const provider = new RacingProvider(new Map(streams.map((s, i) => [`${prefix}tok${i}`, s.callbacks])));
        // two engines dispatching at once, chunks of 3: commits interleave with the callbacks
        const engines = [0, 1].map(
          () =>
            new Engine({
              db,
              clock: new VirtualClock(db, () => T0),
              adapters: { push: provider },
              heartbeat: false,
              dispatch: { batchSize: 12 },
            }),
        );
        await ingestEvents(db, ids, `go${run}`, T0);
        await Promise.all(engines.map((e) => e.tick(T0)));
        await Promise.all(provider.inFlight);
        await engines[0].tick(T0); // the sweep: receipts that crossed a commit
        const got = await db.query<{ token: string; status: string }>(
          `SELECT c.attributes->>'pushToken' AS token, m.status FROM messages m JOIN contacts c ON c.id = m.contact_id
            WHERE m.flow_id = $1 ORDER BY c.id`,
          [flowId],
        );
        expect(got.rows.map((r) => r.status)).toEqual(streams.map((s) => (s.final === 'delivered' ? 'delivered' : 'failed')));
        expect(await count(db, `SELECT count(*) n FROM pending_receipts`)).toBe(0);
        await db.query(`UPDATE flows SET status = 'archived' WHERE id = $1`, [flowId]);
      }),
      { numRuns: 25 },
    );
  });
});
