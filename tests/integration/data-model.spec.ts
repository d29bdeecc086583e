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

  it('keeps one message per idempotency key', async () => {
    const [journey] = await db.dataSource.query(`SELECT id FROM journeys WHERE state = 'waiting'`);
    const insert = () =>
      db.dataSource.query(
        `INSERT INTO messages (idempotency_key, journey_id, flow_id, flow_version, contact_id, node_id, channel, content, created_at)
         VALUES ($1, $2, $3, 1, $4, 'm', 'push', '{}', now())`,
        [`${journey.id}:1`, journey.id, flowId, contactId],
      );
    await insert();
    await expect(insert()).rejects.toThrow(/messages_idempotency_key_key/);
  });
});
