import type { Pool } from 'pg';
import { VirtualClock } from '@boomerang/engine';
import { Engine, type ChannelAdapter } from '@boomerang/engine/runtime';
import { poolOf } from '../../api/src/engine/engine.module';
import { createMigratedDatabase, type MigratedDatabase } from '../support/database';
import {
  count,
  createActiveFlow,
  ingestEvents,
  makeNewVersionLive,
  seedContacts,
  sendThenWaitGraph,
  setFlowStatus,
} from '../support/engine-fixtures';

const T0 = new Date('2026-03-02T12:00:00Z');
const at = (hours: number) => new Date(T0.getTime() + hours * 3_600_000);

let database: MigratedDatabase;
let db: Pool;

beforeEach(async () => {
  database = await createMigratedDatabase('engine_runtime');
  db = poolOf(database.dataSource);
});
afterEach(async () => database.close());

function engine(extra: Partial<ConstructorParameters<typeof Engine>[0]> = {}): Engine {
  return new Engine({ db, clock: new VirtualClock(db, () => T0), batchSize: 100, ...extra });
}

describe('engine runtime on PostgreSQL', () => {
  it('enrolls set-based, advances, writes log and outbox in one go, and the sandbox delivers', async () => {
    await seedContacts(db, 30, { prefix: 'a' });
    await seedContacts(db, 5, { prefix: 'none', attributes: () => ({ email: 'x@example.com' }) }); // no pushToken: not in segment
    const flowId = await createActiveFlow(db, sendThenWaitGraph());
    const report = await engine().tick(T0);
    expect(report.enrolled).toBe(30);
    expect(report.steps).toBe(90); // trigger, channel, delay
    expect(report.sent).toBe(30);
    expect(
      await count(db, `SELECT count(*) n FROM journeys WHERE flow_id = $1 AND state = 'waiting' AND current_node_id = 'd'`, [flowId]),
    ).toBe(30);
    expect(await count(db, `SELECT count(*) n FROM messages WHERE status = 'delivered'`)).toBe(30);
    expect(await count(db, `SELECT count(*) n FROM journey_log WHERE kind = 'delivery'`)).toBe(30);
    // messages.id is the core's deterministic id (tracking links use it)
    const m = await db.query(`SELECT id, idempotency_key FROM messages LIMIT 1`);
    const { messageIdFor } = await import('@boomerang/engine');
    expect(m.rows[0].id).toBe(messageIdFor(m.rows[0].idempotency_key));
    // a second tick at the same time does nothing (never re-enters: reentry defaults to never)
    const again = await engine().tick(T0);
    expect(again).toMatchObject({ enrolled: 0, steps: 0, sent: 0 });
    // a day later the delay ends and each journey completes
    const later = await engine().tick(at(25));
    expect(later.steps).toBe(0);
    expect(await count(db, `SELECT count(*) n FROM journeys WHERE state = 'completed' AND ended_at IS NOT NULL`)).toBe(30);
  });

  it('compiles audience rules to SQL: attributes, numeric strings, event counts, active', async () => {
    const ids = await seedContacts(db, 6, {
      prefix: 'r',
      attributes: (i) => ({ pushToken: `t${i}`, cart_items: ['2', 0, 5, 'x', 3, null][i], tier: i % 2 ? 'gold' : 'free' }),
    });
    await ingestEvents(db, [ids[2], ids[4]], 'app_open', at(-30));
    await ingestEvents(db, [ids[4]], 'app_open', at(-50));
    await ingestEvents(db, [ids[4]], 'app_open', at(-80));
    const graph = sendThenWaitGraph({
      kind: 'segment',
      rule: { all: [{ attribute: 'cart_items', op: 'gt', value: 0 }, { not: { active: true } }] },
      audience: {
        any: [
          { attribute: 'tier', op: 'eq', value: 'free' },
          { event: 'app_open', within: 'P7D', count: { gte: 1 } },
        ],
      },
    });
    await createActiveFlow(db, graph);
    await engine().tick(T0);
    const entered = await db.query(`SELECT contact_id::text FROM journeys ORDER BY contact_id`);
    // 0: "2" > 0 and free; 2: 5 > 0, gold but opened the app, not active (1 day); 4: active (3 days) → out; 1: 0; 3: "x"; 5: null
    expect(entered.rows.map((r) => r.contact_id)).toEqual([ids[0], ids[2]]);
  });

  it('pause stops enrollment, steps and sends; resume continues where each journey waited', async () => {
    await seedContacts(db, 10, { prefix: 'p' });
    const failing: ChannelAdapter = { name: 'down', send: async () => Promise.reject(new Error('provider down')) };
    const flowId = await createActiveFlow(db, sendThenWaitGraph());
    const e = engine({ adapters: { push: failing }, dispatch: { maxAttempts: 2, backoffMs: 60_000 } });
    await e.tick(T0);
    expect(await count(db, `SELECT count(*) n FROM messages WHERE status = 'queued' AND attempts = 1`)).toBe(10);

    await setFlowStatus(db, flowId, 'paused');
    await seedContacts(db, 5, { prefix: 'late' });
    const paused = await engine().tick(at(48)); // sandbox would deliver, but the flow is paused
    expect(paused).toMatchObject({ enrolled: 0, claimed: 0, sent: 0 });
    expect(await count(db, `SELECT count(*) n FROM journeys`)).toBe(10);
    expect(await count(db, `SELECT count(*) n FROM messages WHERE status = 'queued'`)).toBe(10);

    await setFlowStatus(db, flowId, 'active');
    const resumed = await engine().tick(at(49));
    expect(resumed.enrolled).toBe(5);
    expect(resumed.sent).toBe(15); // the 10 retried through the sandbox, the 5 new
    expect(await count(db, `SELECT count(*) n FROM journeys WHERE state = 'completed'`)).toBe(10);
    expect(await count(db, `SELECT count(*) n FROM journey_log WHERE kind = 'delivery'`)).toBe(25);
  });

  it('retries with backoff and ends in the dead state after N attempts', async () => {
    await seedContacts(db, 3, { prefix: 'f' });
    await createActiveFlow(db, sendThenWaitGraph());
    const failing: ChannelAdapter = { name: 'down', send: async () => Promise.reject(new Error('provider down')) };
    const e = engine({ adapters: { push: failing }, dispatch: { maxAttempts: 3, backoffMs: 60_000 } });
    await e.tick(T0); // attempt 1
    expect((await e.tick(at(0.01))).sent).toBe(0); // not due yet (backoff 1 min)
    await e.tick(at(0.02)); // attempt 2 (after 1 min)
    await e.tick(at(0.1)); // attempt 3 (after 2 more min) → dead
    expect(
      await count(db, `SELECT count(*) n FROM messages WHERE status = 'failed' AND attempts = 3 AND last_error = 'provider down'`),
    ).toBe(3);
    expect(await count(db, `SELECT count(*) n FROM journey_log WHERE kind = 'delivery'`)).toBe(9);
  });

  it('journeys stay on their version after a new one goes live', async () => {
    await seedContacts(db, 4, { prefix: 'v' });
    const flowId = await createActiveFlow(db, sendThenWaitGraph());
    await engine().tick(T0);
    // v2: no delay, a second message instead (node 'm2'); new contacts enter v2
    const v2 = sendThenWaitGraph();
    (v2.nodes as unknown[]).push({
      id: 'm2',
      type: 'channel',
      position: { x: 0, y: 3 },
      data: { channel: 'email', template: { subject: 'v2', text: 'v2' } },
    });
    (v2.edges as unknown[]).splice(1, 1, { id: 'e2', source: 'm', target: 'm2' });
    await makeNewVersionLive(db, flowId, v2);
    await seedContacts(db, 2, { prefix: 'w' });
    await engine().tick(at(30));
    expect(
      await count(db, `SELECT count(*) n FROM journeys WHERE flow_version = 1 AND state = 'completed' AND current_node_id = 'd'`),
    ).toBe(4);
    expect(
      await count(db, `SELECT count(*) n FROM journeys WHERE flow_version = 2 AND state = 'completed' AND current_node_id = 'm2'`),
    ).toBe(2);
    expect(await count(db, `SELECT count(*) n FROM messages WHERE node_id = 'm2'`)).toBe(2);
  });
});
