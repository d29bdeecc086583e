/**
 * A flow's own quiet hours (issue 21) on the virtual clock: the workspace keeps 21:00–09:00; at 23:00 a "go" event
 * enters the same contacts into three push flows. The flow on the workspace's quiet hours waits until 09:00, the flow
 * with quiet hours "off" sends at once (the step and the dispatcher both let it through), and the flow with its own
 * 22:00–23:30 window sends at 23:30.
 *
 *   t(event go) → m(push)
 */
import type { Pool } from 'pg';
import { Engine, VirtualClock } from '@boomerang/engine/runtime';
import type { FlowGraphDocument, FlowQuietHours } from '@boomerang/engine';
import { poolOf } from '../../api/src/engine/engine.module';
import { createMigratedDatabase, type MigratedDatabase } from '../support/database';
import { createActiveFlow, ingestEvents, seedContacts } from '../support/engine-fixtures';

const T0 = new Date('2026-03-10T23:00:00Z');

let database: MigratedDatabase;
let db: Pool;
beforeAll(async () => {
  database = await createMigratedDatabase('flow_quiet_hours');
  db = poolOf(database.dataSource);
  await db.query(`INSERT INTO workspace_settings (id, settings) VALUES (1, $1)`, [
    JSON.stringify({ quietHours: { start: '21:00', end: '09:00' }, frequencyCaps: [] }),
  ]);
});
afterAll(async () => database.close());

const graph: FlowGraphDocument = {
  nodes: [
    { id: 't', type: 'trigger', position: { x: 0, y: 0 }, data: { kind: 'event', event: 'go' } },
    { id: 'm', type: 'channel', position: { x: 0, y: 1 }, data: { channel: 'push', template: { title: 'Hi', body: 'Back?' } } },
  ],
  edges: [{ id: 'e1', source: 't', target: 'm' }],
};

describe("a flow's quiet hours", () => {
  it('"off" sends during the workspace’s quiet hours while a workspace flow waits; an own window holds until its end', async () => {
    const flows: Record<string, FlowQuietHours> = {
      workspace: 'workspace',
      off: 'off',
      own: { start: '22:00', end: '23:30' },
    };
    const ids: Record<string, string> = {};
    for (const [name, quietHours] of Object.entries(flows)) ids[name] = await createActiveFlow(db, graph, { name, quietHours });
    const contacts = await seedContacts(db, 3, { timezone: 'UTC' });

    const clock = new VirtualClock(db, () => T0);
    await clock.set(T0);
    const engine = new Engine({ db, clock, heartbeat: false });
    await ingestEvents(db, contacts, 'go', T0);
    await engine.advanceClock(clock, 'P1D');

    const sent = await db.query<{ flow_id: string; sent_at: Date }>(`SELECT flow_id::text, sent_at FROM messages ORDER BY sent_at`);
    const sentAt = (flow: string) => [...new Set(sent.rows.filter((r) => r.flow_id === ids[flow]).map((r) => r.sent_at.toISOString()))];
    expect(sent.rows).toHaveLength(9);
    expect(sentAt('off')).toEqual([T0.toISOString()]);
    expect(sentAt('own')).toEqual(['2026-03-10T23:30:00.000Z']);
    expect(sentAt('workspace')).toEqual(['2026-03-11T09:00:00.000Z']);

    // the flows that waited say why, until when
    const held = await db.query<{ flow_id: string; until: string }>(
      `SELECT j.flow_id::text, l.detail ->> 'until' AS until FROM journey_log l JOIN journeys j ON j.id = l.journey_id
        WHERE l.kind = 'guardrail' AND l.detail ->> 'reason' = 'quiet_hours'`,
    );
    expect(new Set(held.rows.map((r) => `${Object.keys(ids).find((k) => ids[k] === r.flow_id)} ${r.until}`))).toEqual(
      new Set(['workspace 2026-03-11T09:00:00.000Z', 'own 2026-03-10T23:30:00.000Z']),
    );
  });
});
