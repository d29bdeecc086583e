import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 19: receipts are never lost. Providers call back within milliseconds of accepting a message, often before the
 * dispatcher's chunk has committed the provider id they name. Such a receipt is stored here (the HTTP answer is 2xx
 * only once it is), then applied by the transaction that records the provider id, or by the next tick's sweep when
 * the two crossed; a receipt whose message never appears stays here and is counted by the operations view.
 */
export class PendingReceipts1796790000000 implements MigrationInterface {
  name = 'PendingReceipts1796790000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE pending_receipts (
        id bigserial PRIMARY KEY,
        channel text NOT NULL CHECK (channel IN ('email', 'push', 'sms', 'webhook')),
        provider_id text NOT NULL,
        status text NOT NULL CHECK (status IN ('delivered', 'bounced', 'failed')),
        bounce text CHECK (bounce IN ('hard', 'soft')),
        reason text,
        received_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX pending_receipts_provider_idx ON pending_receipts (provider_id, channel)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE pending_receipts`);
  }
}
