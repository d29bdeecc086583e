/**
 * What happens to a message after it left, on the Citus cluster: provider receipts (by the provider's id and by ours),
 * clicks, opens, an unsubscribe, topics left on the preference page and the preference page's lookup. Links and
 * provider ids name the message alone; each call reads the message's contact first and then locks by
 * `(id, contact_id)`, so every locking statement is routed to one shard (EXPLAIN: `Task Count: 1`). Concurrent
 * repeats of one call apply once.
 */
import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import { VirtualClock } from '@boomerang/engine';
import {
  Engine,
  recordClick,
  recordOpen,
  recordReceipt,
  recordTopicsLeft,
  recordUnsubscribe,
  type ChannelAdapter,
  type OutgoingMessage,
} from '@boomerang/engine/runtime';
import { TopicsRepository } from '../../api/src/topics/topics.repository';
import { count, createActiveFlow, seedContacts, sendThenWaitGraph } from '../support/engine-fixtures';
import { citusPool, recordingDb, taskCount, truncateCluster, type Recorded } from './citus-database';

const T0 = new Date('2026-03-02T12:00:00Z');
const LATER = new Date(T0.getTime() + 3_600_000);
const N = 24;

/** Accepts every push and answers a provider id; delivery is confirmed later, by receipt. */
class AcceptingPush implements ChannelAdapter {
  readonly name = 'accepting-push';
  async send(message: OutgoingMessage) {
    return { providerId: `prov-${message.messageId}`, status: 'sent' as const };
  }
}

let db: Pool;
const errors: string[] = [];

beforeAll(() => {
  db = citusPool(20);
});
afterAll(() => db.end());
beforeEach(async () => {
  errors.length = 0;
  await truncateCluster(db);
});

/** N contacts (spread over both workers' shards), one push each, sent and awaiting its receipt. */
async function sentMessages(): Promise<{ id: string; contact_id: string; provider_id: string; journey_id: string }[]> {
  await seedContacts(db, N, { prefix: 'r' });
  await createActiveFlow(db, sendThenWaitGraph());
  const engine = new Engine({
    db,
    clock: new VirtualClock(db, () => T0),
    claimByBucket: true,
    adapters: { push: new AcceptingPush() },
    logger: { warn: () => {}, error: (m: string) => errors.push(m) },
  });
  expect((await engine.tick(T0)).sent).toBe(N);
  expect(errors).toEqual([]);
  const rows = await db.query<{ id: string; contact_id: string; provider_id: string; journey_id: string }>(
    `SELECT id, contact_id::text, provider_id, journey_id FROM messages WHERE status = 'sent' ORDER BY contact_id`,
  );
  expect(rows.rows).toHaveLength(N);
  return rows.rows;
}

describe('receipts and engagement on Citus', () => {
  it('applies each receipt, click, open and unsubscribe once, every lock on one shard', async () => {
    const messages = await sentMessages();
    const locking: Recorded[] = [];
    const store = recordingDb(db, locking);
    const [bounced, clicked, opened, unsubscribed, ...rest] = messages;
    const started = Date.now();

    // every delivery receipt twice at once, by the provider's id; one hard bounce by our id
    const receipts = await Promise.all(
      rest.flatMap((m) =>
        [0, 1].map(() => recordReceipt(store, { providerId: m.provider_id, channel: 'push', status: 'delivered' }, LATER)),
      ),
    );
    expect(receipts.filter((r) => r && 'status' in r && r.status === 'delivered')).toHaveLength(2 * rest.length);
    expect(
      await recordReceipt(store, { messageId: bounced.id, channel: 'push', status: 'bounced', bounce: 'hard', reason: 'gone' }, LATER),
    ).toEqual({ messageId: bounced.id, status: 'failed', consentCleared: false });
    // a receipt for a message of another channel matches nothing
    expect(await recordReceipt(store, { messageId: clicked.id, channel: 'sms', status: 'delivered' }, LATER)).toBeNull();

    // two clicks, two opens and two unsubscribes at once: one of each is the first
    const clicks = await Promise.all([recordClick(store, clicked.id, LATER), recordClick(store, clicked.id, LATER)]);
    const opens = await Promise.all([recordOpen(store, opened.id, LATER), recordOpen(store, opened.id, LATER)]);
    const unsubscribes = await Promise.all([
      recordUnsubscribe(store, unsubscribed.id, LATER, 'one_click'),
      recordUnsubscribe(store, unsubscribed.id, LATER, 'page'),
    ]);
    expect(clicks.filter((c) => c?.first)).toHaveLength(1);
    expect(opens.filter((o) => o?.first)).toHaveLength(1);
    expect(unsubscribes.filter((u) => u?.first)).toHaveLength(1);
    expect(await recordClick(store, '00000000-0000-4000-8000-000000000000', LATER)).toBeNull();
    const elapsedMs = Date.now() - started;

    expect(await count(db, `SELECT count(*) n FROM messages WHERE status = 'delivered' AND delivered_at = $1`, [LATER])).toBe(rest.length);
    expect(await count(db, `SELECT count(*) n FROM messages WHERE status = 'failed' AND id = $1`, [bounced.id])).toBe(1);
    expect(await count(db, `SELECT count(*) n FROM journey_log WHERE kind = 'receipt'`)).toBe(2 * rest.length + 1);
    expect(await count(db, `SELECT count(*) n FROM journey_log WHERE kind = 'click' AND journey_id = $1`, [clicked.journey_id])).toBe(1);
    expect(await count(db, `SELECT count(*) n FROM journey_log WHERE kind = 'open' AND journey_id = $1`, [opened.journey_id])).toBe(1);
    expect(await count(db, `SELECT count(*) n FROM messages WHERE clicked_at = $1 AND opened_at = $1`, [LATER])).toBe(1);
    expect(await count(db, `SELECT count(*) n FROM messages WHERE opened_at IS NOT NULL`)).toBe(2);
    expect(await count(db, `SELECT count(*) n FROM messages WHERE unsubscribed_at = $1`, [LATER])).toBe(1);
    expect(await count(db, `SELECT count(*) n FROM contacts WHERE id = $1 AND consent->>'push' = 'false'`, [unsubscribed.contact_id])).toBe(
      1,
    );
    expect(await count(db, `SELECT count(*) n FROM contacts WHERE consent->>'push' = 'false'`)).toBe(1);

    // each call locked its message by (id, contact_id), on one shard
    expect(locking.filter((s) => /FROM messages WHERE id = \$1 AND contact_id = \$\d/.test(s.text)).length).toBe(locking.length);
    expect(locking.length).toBe(2 * rest.length + 1 + 6);
    const tasks = await Promise.all(locking.map((s) => taskCount(db, s)));
    expect(tasks.filter((n) => n !== 1)).toEqual([]);
    // naming the message alone is what Citus refuses
    await expect(db.query(`SELECT id FROM messages WHERE id = $1 FOR UPDATE`, [clicked.id])).rejects.toThrow(
      /could not run distributed query with FOR UPDATE\/SHARE commands/,
    );
    console.log(
      `citus receipts: ${2 * rest.length + 2} receipts, 2 clicks, 2 opens, 2 unsubscribes in ${elapsedMs} ms; ` +
        `${locking.length} locking statements, each on 1 shard`,
    );
  });

  it('finds the contact of a preference link and logs the topics it left on the message’s journey', async () => {
    const [message, other] = await sentMessages();
    const repository = new TopicsRepository({
      query: async (sql: string, params?: unknown[]) => (await db.query(sql, params)).rows,
    } as unknown as DataSource);
    const contact = await repository.contactOfMessage(message.id);
    expect(contact).toEqual({ id: message.contact_id, external_id: expect.stringMatching(/^r\d+$/), locale: null });
    expect(await repository.contactOfMessage('00000000-0000-4000-8000-000000000000')).toBeNull();

    await db.query(
      `INSERT INTO topics (key, name, description, default_subscribed, created_at, updated_at) VALUES ('news', 'News', '', true, $1, $1)
       ON CONFLICT (key) DO NOTHING`,
      [T0],
    );
    await repository.setChoices(contact!.id, [{ topic: 'news', channel: '*', subscribed: false }], LATER);
    await recordTopicsLeft(db, message.id, LATER, [{ topic: 'news', channels: ['*'] }], 'preference_page');
    expect(await repository.choices(contact!.id)).toEqual([{ topic: 'news', channel: '*', subscribed: false }]);
    expect(await repository.choices(other.contact_id)).toEqual([]);
    const left = await db.query<{ journey_id: string; contact_id: string; topic: string }>(
      `SELECT journey_id, contact_id::text, detail->>'topic' AS topic FROM journey_log WHERE kind = 'unsubscribe'`,
    );
    expect(left.rows).toEqual([{ journey_id: message.journey_id, contact_id: message.contact_id, topic: 'news' }]);
  });
});
