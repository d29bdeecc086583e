import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Provider rate limits (issue 22): one row per configured limit (`sms:10/s`), holding the sliding window's grant log
 * (`[[epoch ms, messages], …]`, engine/src/core/rate-limits.ts). Every engine process takes its permits here, in a
 * short transaction that locks the row, so the limit holds across processes without another server.
 */
export class SendRateLimits1796852000000 implements MigrationInterface {
  name = 'SendRateLimits1796852000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE send_rate_limits (
        key text PRIMARY KEY,
        grants jsonb NOT NULL DEFAULT '[]'::jsonb
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE send_rate_limits`);
  }
}
