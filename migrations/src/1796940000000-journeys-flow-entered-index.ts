import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 23, only the indexes the hot path and the screens need. Every step of a journey changes indexed columns
 * (`state`, `current_node_id`, `next_run_at`), so each step's update writes an entry into every index of `journeys`.
 * Two of its seven served no reader another index does not serve as well:
 * - `journeys_flow_state_idx (flow_id, state, current_node_id)`: the readers by live state (archive, version moves,
 *   waiting counts per version) use the partial unique `journeys_live_contact_flow_key (flow_id, contact_id) WHERE
 *   state IN ('waiting', 'running')`; the metrics read a flow's every journey by `flow_id` alone.
 * - `journeys_flow_id_idx (flow_id, id)`: kept only for the CSV export's keyset by id.
 * One index replaces both, `(flow_id, entered_at, id)`: a flow's journeys by its prefix, the journeys screen's newest
 * first page (keyset on `(entered_at, id)`, which sorted every journey of the flow before) and the export's keyset, now
 * in the order journeys entered.
 */
export class JourneysFlowEnteredIndex1796940000000 implements MigrationInterface {
  name = 'JourneysFlowEnteredIndex1796940000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX journeys_flow_entered_idx ON journeys (flow_id, entered_at, id)`);
    await q.query(`DROP INDEX journeys_flow_state_idx`);
    await q.query(`DROP INDEX journeys_flow_id_idx`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX journeys_flow_id_idx ON journeys (flow_id, id)`);
    await q.query(`CREATE INDEX journeys_flow_state_idx ON journeys (flow_id, state, current_node_id)`);
    await q.query(`DROP INDEX journeys_flow_entered_idx`);
  }
}
