import type { JourneySnapshot, SendEffect } from '@boomerang/engine';
import { inTransaction, queueMessages } from '@boomerang/engine/runtime';
import { poolOf } from '../../api/src/engine/engine.module';
import { createMigratedDatabase, MigratedDatabase } from '../support/database';

describe('data model guarantees', () => {
  let db: MigratedDatabase;
  let flowId: string;
  let contactId: string;

  beforeAll(async () => {
    db = await createMigratedDatabase('data_model');
    const [flow] = await db.dataSource.query(`INSERT INTO flows (name) VALUES ('f') RETURNING id`);
    flowId = flow.id;
    await db.dataSource.query(`INSERT INTO flow_versions (flow_id, version, graph) VALUES ($1, 1, '{}')`, [flowId]);
    const [contact] = await db.dataSource.query(
      `INSERT INTO contacts (external_id, created_at, updated_at) VALUES ('u1', now(), now()) RETURNING id`,
    );
    contactId = contact.id;
  });
  afterAll(() => db.close());

  const insertJourney = (state: string) =>
    db.dataSource.query(
      `INSERT INTO journeys (flow_id, flow_version, contact_id, state, current_node_id, entered_at)
       VALUES ($1, 1, $2, $3, 't', now()) RETURNING id`,
      [flowId, contactId, state],
    );

  it('allows at most one live journey per contact and flow, any number of ended ones', async () => {
    await insertJourney('completed');
    await insertJourney('exited');
    await insertJourney('waiting');
    await expect(insertJourney('running')).rejects.toThrow(/journeys_live_contact_flow_key/);
  });

  it('runs the app’s sessions without JIT (a stale estimate must not cost a compile per batch)', async () => {
    const [{ jit }] = await db.dataSource.query(`SHOW jit`);
    expect(jit).toBe('off');
  });

  it('finds due waiting journeys with an index scan on the partial index', async () => {
    await db.dataSource.query(`SET enable_seqscan = off`);
    const plan: { 'QUERY PLAN': string }[] = await db.dataSource.query(
      `EXPLAIN SELECT id FROM journeys WHERE state = 'waiting' AND next_run_at <= now() ORDER BY next_run_at LIMIT 100`,
    );
    await db.dataSource.query(`RESET enable_seqscan`);
    expect(plan.map((row) => row['QUERY PLAN']).join('\n')).toMatch(/journeys_due_idx/);
  });

  it('keeps the journey log append-only', async () => {
    const [journey] = await db.dataSource.query(`SELECT id FROM journeys WHERE flow_id = $1 AND state = 'waiting'`, [flowId]);
    const [log] = await db.dataSource.query(
      `INSERT INTO journey_log (journey_id, contact_id, at, node_id, kind) SELECT id, contact_id, now(), 't', 'entered' FROM journeys WHERE id = $1 RETURNING id`,
      [journey.id],
    );
    await expect(db.dataSource.query(`UPDATE journey_log SET kind = 'x' WHERE id = $1`, [log.id])).rejects.toThrow(/append-only/);
  });

  it('refuses to change the graph of a frozen (activated) flow version', async () => {
    await db.dataSource.query(`UPDATE flow_versions SET frozen_at = now() WHERE flow_id = $1`, [flowId]);
    await expect(db.dataSource.query(`UPDATE flow_versions SET graph = '{"nodes":[]}' WHERE flow_id = $1`, [flowId])).rejects.toThrow(
      /frozen/,
    );
  });

  it('keeps one message per idempotency key: twins in one batch, and a step replayed a month later (another partition)', async () => {
    const [journey] = await db.dataSource.query(`SELECT id FROM journeys WHERE state = 'waiting'`);
    const snapshot = { id: journey.id, flowId, version: 1, contactId } as JourneySnapshot;
    const send = (key: string, at: string): { journey: JourneySnapshot; effect: SendEffect } => ({
      journey: snapshot,
      effect: { type: 'send', idempotencyKey: key, nodeId: 'm', channel: 'push', content: {} as never, costCents: 0, at: new Date(at) },
    });
    const queue = (sends: ReturnType<typeof send>[]) => inTransaction(poolOf(db.dataSource), (tx) => queueMessages(tx, sends));
    expect(await queue([send(`${journey.id}:1`, '2026-11-20T10:00:00Z'), send(`${journey.id}:1`, '2026-11-20T10:00:00Z')])).toBe(1);
    expect(await queue([send(`${journey.id}:1`, '2026-12-03T10:00:00Z'), send(`${journey.id}:2`, '2026-12-03T10:00:00Z')])).toBe(1);
    const rows = await db.dataSource.query(
      `SELECT idempotency_key AS key, tableoid::regclass::text AS month FROM messages WHERE journey_id = $1 ORDER BY 1`,
      [journey.id],
    );
    expect(rows).toEqual([
      { key: `${journey.id}:1`, month: 'messages_p202611' },
      { key: `${journey.id}:2`, month: 'messages_p202612' },
    ]);
  });
});
