/**
 * The experiment flow the experiment specs share (issue 24):
 *
 *   t(event) → ab(split a 50 / b 50, experiment P7D on conversion after a message) —a→ pushA → waitA(P10D)
 *                                                                              —b→ pushB → waitB(P10D)
 *   paid(goal order_paid), journey-wide
 */
import type { FlowGraphDocument } from '@boomerang/engine';
import { delay, flow, goal, push } from '@boomerang/engine/core/testing/flow-builder';

export function experimentGraph(event: string, minSample: number): FlowGraphDocument {
  return flow()
    .trigger('t', { kind: 'event', event })
    .then('ab', {
      type: 'condition',
      data: {
        split: [
          { id: 'a', percent: 50 },
          { id: 'b', percent: 50 },
        ],
        experiment: { window: 'P7D', metric: 'convertedAfterMessage', minSample },
      },
    })
    .on('a')
    .then('pushA', push('Offer A'))
    .then('waitA', delay('P10D'))
    .from('ab', 'b')
    .then('pushB', push('Offer B'))
    .then('waitB', delay('P10D'))
    .node('paid', goal({ event: 'order_paid' }))
    .build();
}
