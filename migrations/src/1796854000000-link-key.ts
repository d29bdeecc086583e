import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The key subscription links are signed with (`engine/src/core/link-token.ts`), generated once per installation so
 * every API and engine process on this database signs and checks alike; LINK_SECRET, when set, is used instead.
 * Two v4 UUIDs from PostgreSQL's strong random source: 244 random bits.
 */
export class LinkKey1796854000000 implements MigrationInterface {
  name = 'LinkKey1796854000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE link_keys (id int PRIMARY KEY CHECK (id = 1), key text NOT NULL CHECK (length(key) >= 32))`);
    await q.query(`INSERT INTO link_keys (id, key) VALUES (1, replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE link_keys`);
  }
}
