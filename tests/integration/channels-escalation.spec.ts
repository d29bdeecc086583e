/**
 * Escalation without wiring on real PostgreSQL:
 *
 *   trigger ─→ push {escalate: after PT24H unless clicked → [email, sms]}
 *
 *   a (clicks the push)  : push ··· email hop removed (clicked)
 *   b (never clicks)     : push ─24h→ email ─24h→ sms (2 segments)
 *   c (no SMS consent)   : push ─24h→ email (no sms hop: skipped for consent)
 *
 * Each hop is its own message with its own idempotency key, cost and log rows; the virtual clock wakes for hops.
 */
import type { Pool } from 'pg';
import { VirtualClock, type FlowGraphDocument } from '@boomerang/engine';
import { Engine, recordClick } from '@boomerang/engine/runtime';
import { poolOf } from '../../api/src/engine/engine.module';
import { createMigratedDatabase, type MigratedDatabase } from '../support/database';
import { createActiveFlow, seedContacts } from '../support/engine-fixtures';

const T0 = new Date('2026-03-02T12:00:00Z');
const hours = (h: number) => new Date(T0.getTime() + h * 3_600_000);

let database: MigratedDatabase;
let db: Pool;
beforeEach(async () => {
  database = await createMigratedDatabase('channels_escalation');
  db = poolOf(database.dataSource);
  await db.query(
    `INSERT INTO workspace_settings (id, settings) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET settings = EXCLUDED.settings`,
    [JSON.stringify({ channelCosts: { push: 1, email: 2, sms: 5 }, frequencyCaps: [] })],
  );
});
afterEach(() => database.close());

const graph = {
  nodes: [
    { id: 't', type: 'trigger', position: { x: 0, y: 0 }, data: { kind: 'segment', rule: { attribute: 'seg', op: 'exists' } } },
    {
      id: 'm',
      type: 'channel',
      position: { x: 0, y: 1 },
      data: {
        channel: 'push',
        template: {
          title: 'Your cart',
          subject: 'Your cart is waiting',
          body: '{{firstName}}，您的购物车还在等您' + '。'.repeat(60),
          url: 'https://shop.example/cart',
        },
        escalate: { after: 'PT24H', unless: 'clicked', to: ['email', 'sms'] },
      },
    },
  ],
  edges: [{ id: 'e1', source: 't', target: 'm' }],
} as unknown as FlowGraphDocument;

async function seed(): Promise<void> {
  for (const [id, sms] of [
    ['a', true],
    ['b', true],
    ['c', false],
  ] as const) {
    await seedContacts(db, 1, {
      prefix: id,
      consent: { push: true, email: true, sms },
      attributes: () => ({
        seg: 1,
        firstName: id.toUpperCase(),
        pushToken: `tok-${id}`,
        email: `${id}@example.com`,
        phone: '+8613800000000',
      }),
    });
  }
}

async function messages() {
  const r = await db.query(
    `SELECT c.external_id AS who, m.id, m.channel, m.status, m.cost_cents, m.idempotency_key, m.escalation, m.next_attempt_at
       FROM messages m JOIN contacts c ON c.id = m.contact_id ORDER BY c.external_id, coalesce((m.escalation->>'hop')::int, 0)`,
  );
  return r.rows;
}

const summary = async () => (await messages()).map((m) => `${m.who}:${m.channel}:${m.status}:${m.cost_cents}`);

describe('escalation', () => {
  it('sends each hop as its own message when nothing was clicked, and stops when something was', async () => {
    await seed();
    await createActiveFlow(db, graph);
    const engine = new Engine({ db, clock: new VirtualClock(db, () => T0), publicUrl: 'https://win.example' });

    await engine.tick(T0);
    expect(await summary()).toEqual([
      'a0:push:delivered:1',
      'a0:email:queued:2',
      'b0:push:delivered:1',
      'b0:email:queued:2',
      'c0:push:delivered:1',
      'c0:email:queued:2',
    ]);
    const first = await messages();
    const aPush = first.find((m) => m.who === 'a0' && m.channel === 'push');
    const bPush = first.find((m) => m.who === 'b0' && m.channel === 'push');
    const bEmail = first.find((m) => m.who === 'b0' && m.channel === 'email');
    expect(bEmail.idempotency_key).toBe(`${bPush.idempotency_key}:esc1`);
    expect(bEmail.next_attempt_at).toEqual(hours(24));
    expect(bEmail.escalation).toMatchObject({ fromMessageId: bPush.id, hop: 1, unless: 'clicked' });

    // nothing goes before `after`
    await engine.tick(hours(23));
    expect((await summary()).filter((s) => s.includes('email:queued'))).toHaveLength(3);

    await recordClick(db, aPush.id, hours(2));
    await engine.tick(hours(24));
    expect(await summary()).toEqual([
      'a0:push:delivered:1',
      'b0:push:delivered:1',
      'b0:email:delivered:2',
      'b0:sms:queued:10', // UCS-2, 81 characters: 2 segments × 5 cents
      'c0:push:delivered:1',
      'c0:email:delivered:2',
    ]);
    await engine.tick(hours(48));
    expect(await summary()).toContain('b0:sms:delivered:10');

    const log = await db.query(
      `SELECT c.external_id AS who, l.detail FROM journey_log l JOIN journeys j ON j.id = l.journey_id JOIN contacts c ON c.id = j.contact_id
        WHERE l.kind = 'escalation' ORDER BY c.external_id, l.id`,
    );
    const lines = log.rows.map((r) => `${r.who}:${r.detail.channel}:${r.detail.status}${r.detail.reason ? `:${r.detail.reason}` : ''}`);
    expect(lines).toEqual([
      'a0:email:scheduled',
      'a0:email:cancelled:clicked',
      'b0:email:scheduled',
      'b0:sms:scheduled',
      'c0:email:scheduled',
    ]);
    expect(log.rows[0].detail.explanation).toBe(
      `if the push message is not clicked by ${hours(24).toISOString()}, the same copy goes by email`,
    );
  });

  it('a virtual clock plays the hops in order', async () => {
    await seed();
    await createActiveFlow(db, graph);
    const now = T0;
    const clock = new VirtualClock(db, () => now);
    await clock.set(T0);
    const engine = new Engine({ db, clock, publicUrl: 'https://win.example' });
    await engine.runUntil(clock, hours(72));
    expect((await summary()).sort()).toEqual(
      [
        'a0:push:delivered:1',
        'a0:email:delivered:2',
        'a0:sms:delivered:10',
        'b0:push:delivered:1',
        'b0:email:delivered:2',
        'b0:sms:delivered:10',
        'c0:push:delivered:1',
        'c0:email:delivered:2',
      ].sort(),
    );
  });
});
