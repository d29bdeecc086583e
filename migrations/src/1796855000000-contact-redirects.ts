import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Where a merged contact's externalId now leads (issue 22's anonymous → known merges): an event that names the old
 * id — sent before the merge and arriving after it, or racing it — lands on the contact it was merged into instead
 * of creating a new anonymous contact. A merge of the kept contact later moves its redirects along.
 */
export class ContactRedirects1796855000000 implements MigrationInterface {
  name = 'ContactRedirects1796855000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE contact_redirects (
        external_id text PRIMARY KEY,
        contact_id bigint NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
        merged_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX contact_redirects_contact ON contact_redirects (contact_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE contact_redirects`);
  }
}
