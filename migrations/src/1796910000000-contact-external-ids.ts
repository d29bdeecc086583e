import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 23, past one machine: an externalId's uniqueness moves from `contacts` to a lookup table keyed by the id
 * itself. Citus shards `contacts` by `id` and can enforce a unique key only when it contains that column, so
 * `contacts.external_id` cannot be unique there; `contact_external_ids` is distributed by `external_id`
 * (scripts/citus/distribute.sql) and its primary key holds on every shard.
 *
 * - Every id that leads to a contact has a row: the contact's own externalId (`contacts.external_id`, kept as the
 *   contact's current name for readers) and every id merged into it or renamed away. `contact_redirects` (issue 22)
 *   is folded in: a row whose id is not its contact's `external_id` is a redirect.
 * - Writers claim an id here first (`INSERT … ON CONFLICT (external_id)`) and create or rename the contact after:
 *   the ingest statement, the contacts API's upsert and imports, the contact merge.
 * - `contacts_claim_external_id` (and `…_renamed_…`): triggers claiming the id of a contact inserted or renamed by anything else (the
 *   demo seeder, the simulation, fixtures), so the lookup stays whole on plain PostgreSQL. It is a net, not the
 *   mechanism: the writers above claim explicitly, and Citus (which runs no such trigger) relies on them alone.
 * - `contacts_external_id_key` stays on plain PostgreSQL as a second guard; no statement names it.
 */
export class ContactExternalIds1796910000000 implements MigrationInterface {
  name = 'ContactExternalIds1796910000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE contact_external_ids (
        external_id text PRIMARY KEY,
        contact_id bigint NOT NULL REFERENCES contacts(id) ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX contact_external_ids_contact ON contact_external_ids (contact_id)`);
    await q.query(`INSERT INTO contact_external_ids (external_id, contact_id) SELECT external_id, id FROM contacts`);
    // a redirect naming an id that is a contact's own now (a later signup under it) was dead already: the contact wins
    await q.query(
      `INSERT INTO contact_external_ids (external_id, contact_id) SELECT external_id, contact_id FROM contact_redirects
       ON CONFLICT (external_id) DO NOTHING`,
    );
    await q.query(`DROP TABLE contact_redirects`);
    // per statement on insert (a set-based claim of a whole batch: per row, it cost the ingest of new contacts a
    // tenth of its throughput); per row on a rename (transition tables take no column list)
    await q.query(`
      CREATE FUNCTION contacts_claim_external_id() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_LEVEL = 'STATEMENT' THEN
          INSERT INTO contact_external_ids (external_id, contact_id)
          SELECT n.external_id, n.id FROM inserted_contacts n
           WHERE NOT EXISTS (SELECT 1 FROM contact_external_ids x WHERE x.external_id = n.external_id)
          ON CONFLICT (external_id) DO NOTHING;
        ELSE
          INSERT INTO contact_external_ids (external_id, contact_id) VALUES (NEW.external_id, NEW.id)
          ON CONFLICT (external_id) DO NOTHING;
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER contacts_claim_external_id AFTER INSERT ON contacts REFERENCING NEW TABLE AS inserted_contacts
      FOR EACH STATEMENT EXECUTE FUNCTION contacts_claim_external_id()`);
    await q.query(`
      CREATE TRIGGER contacts_claim_renamed_external_id AFTER UPDATE OF external_id ON contacts
      FOR EACH ROW EXECUTE FUNCTION contacts_claim_external_id()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER contacts_claim_external_id ON contacts`);
    await q.query(`DROP TRIGGER contacts_claim_renamed_external_id ON contacts`);
    await q.query(`DROP FUNCTION contacts_claim_external_id()`);
    await q.query(`
      CREATE TABLE contact_redirects (
        external_id text PRIMARY KEY,
        contact_id bigint NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
        merged_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX contact_redirects_contact ON contact_redirects (contact_id)`);
    // the merge time was not kept: the redirects come back dated by the way back
    await q.query(
      `INSERT INTO contact_redirects (external_id, contact_id, merged_at)
       SELECT x.external_id, x.contact_id, now() FROM contact_external_ids x JOIN contacts c ON c.id = x.contact_id
        WHERE c.external_id <> x.external_id`,
    );
    await q.query(`DROP TABLE contact_external_ids`);
  }
}
