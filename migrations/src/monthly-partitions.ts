import type { QueryRunner } from 'typeorm';

/**
 * Creates the months of a table partitioned by month of `column` (`<table>_pYYYYMM`, the names the engine reads
 * back), from the month before the oldest row of `source` to three months after its newest row or today, whichever is
 * later, and the default partition. Shared by the migrations that partition a table (not a migration itself: its
 * file name has no timestamp).
 */
export async function createMonthlyPartitions(q: QueryRunner, table: string, column: string, source: string): Promise<void> {
  await q.query(`
    DO $$
    DECLARE m timestamptz;
    BEGIN
      FOR m IN
        SELECT generate_series(
                 date_trunc('month', coalesce(min(${column}), now()) AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' - interval '1 month',
                 date_trunc('month', greatest(coalesce(max(${column}), now()), now()) AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' + interval '3 months',
                 interval '1 month')
          FROM ${source}
      LOOP
        EXECUTE format('CREATE TABLE %I PARTITION OF ${table} FOR VALUES FROM (%L) TO (%L)',
                       '${table}_p' || to_char(m AT TIME ZONE 'UTC', 'YYYYMM'), m, m + interval '1 month');
      END LOOP;
    END $$`);
  await q.query(`CREATE TABLE ${table}_default PARTITION OF ${table} DEFAULT`);
}
