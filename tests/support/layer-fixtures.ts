/**
 * The layered flow with known truths that the lift-per-layer specs share (issue 24), through the real API and engine
 * on the virtual clock: layer A converts 30 % with a message and 10 % without, layer B 10 % either way.
 *
 *   t(event churned) → layer{A: tier = A, else} —A→ pushA → waitA(P3D)      paid(goal order_paid), journey-wide
 *                                               —else→ pushB → waitB(P3D)
 */
import { isHoldout } from '@boomerang/engine';
import { branches, delay, flow, goal, push } from '@boomerang/engine/core/testing/flow-builder';
import { EngineService } from '../../api/src/engine/engine.service';
import type { ApiHarness } from './api-app';

export const LAYERS_T0 = new Date('2026-11-03T12:00:00.000Z');
const LATER = new Date('2026-11-04T12:00:00.000Z');

export interface LayeredFlow {
  flowId: string;
  /** the contacts of a tier in the treatment (held = false) or the holdout group */
  group(tier: 'A' | 'B', held: boolean): { id: string; external_id: string; tier: string }[];
  /** the first `p` of a list: those who ordered */
  share<T>(list: T[], p: number): T[];
}

/** Creates and activates the flow, enrols `contacts` (half A, half B), sends, then the buyers order a day later. */
export async function seedLayeredFlow(api: ApiHarness, contacts: number, holdoutPercent: number): Promise<LayeredFlow> {
  const auth = { Authorization: api.admin };
  await api.sql(`INSERT INTO engine_clock (id, now) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET now = $1`, [LAYERS_T0.toISOString()]);
  const graph = flow()
    .trigger('t', { kind: 'event', event: 'churned' })
    .then('layer', branches({ id: 'A', rule: { attribute: 'tier', op: 'eq', value: 'A' } }))
    .on('A')
    .then('pushA', push('Come back, A'))
    .then('waitA', delay('P3D'))
    .from('layer', 'else')
    .then('pushB', push('Come back, B'))
    .then('waitB', delay('P3D'))
    .node('paid', goal({ event: 'order_paid' }))
    .build();
  const created = await api.http().post('/api/flows').set(auth).send({ name: 'Layers', graph, settings: { holdoutPercent } }).expect(201);
  const flowId: string = created.body.id;
  await api.http().post(`/api/flows/${flowId}/activate`).set(auth).expect(200);

  const people = Array.from({ length: contacts }, (_, i) => ({
    externalId: `p${i}`,
    timezone: 'UTC',
    consent: { push: true },
    attributes: { tier: i % 2 ? 'B' : 'A', pushToken: `tok${i}` },
  }));
  await api.http().post('/api/contacts').set(auth).send(people).expect(200);
  await api
    .http()
    .post('/api/events')
    .set(auth)
    .send(people.map((p) => ({ externalId: p.externalId, name: 'churned' })))
    .expect(200);
  const engine = api.app.get(EngineService);
  await engine.tick(LAYERS_T0);

  // the truths: exactly these shares of each group order the next day
  const ids = await api.sql<{ id: string; external_id: string; tier: string }>(
    `SELECT id::text, external_id, attributes->>'tier' AS tier FROM contacts ORDER BY id`,
  );
  const group = (tier: 'A' | 'B', held: boolean) => ids.filter((c) => c.tier === tier && isHoldout(flowId, c.id, holdoutPercent) === held);
  const share = <T>(list: T[], p: number) => list.slice(0, Math.round(list.length * p));
  const buyers = [
    ...share(group('A', false), 0.3),
    ...share(group('A', true), 0.1),
    ...share(group('B', false), 0.1),
    ...share(group('B', true), 0.1),
  ];
  await api.sql(`UPDATE engine_clock SET now = $1`, [LATER.toISOString()]);
  await api
    .http()
    .post('/api/events')
    .set(auth)
    .send(buyers.map((c) => ({ externalId: c.external_id, name: 'order_paid' })))
    .expect(200);
  await engine.tick(LATER);
  return { flowId, group, share };
}
