import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Engine runtime helpers. `boomerang_safe_zone(text)`: the zone itself when PostgreSQL knows it, else 'UTC' — set-based
 * enrollment computes local days (`active`) in each contact's zone and must not fail on a bad one.
 */
export class EngineRuntime1764500000000 implements MigrationInterface {
  name = 'EngineRuntime1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION boomerang_safe_zone(zone text) RETURNS text LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
      BEGIN
        IF zone IS NULL OR zone = '' THEN RETURN 'UTC'; END IF;
        PERFORM now() AT TIME ZONE zone;
        RETURN zone;
      EXCEPTION WHEN others THEN
        RETURN 'UTC';
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION IF EXISTS boomerang_safe_zone(text)`);
  }
}
