/**
 * Bounded storage (issue 23): `journey_log` and `events` are partitioned by UTC month. Months are created ahead and
 * dropped past the workspace's retention as whole partitions, never row by row (the plan is the core's
 * `planMonthlyPartitions`). The default partition (rows outside every month, e.g. a test clock years away) is never
 * dropped; when a month is created, the rows it caught for that month move into it.
 *
 * Locks: creating or dropping a month changes the foreign-key triggers between the table and the table it references
 * (`journeys` for the log, `contacts` for events), which needs ACCESS EXCLUSIVE on both. An engine batch holds a row
 * lock on `journeys` from its claim to its COMMIT and then asks for more, so waiting for those locks behind it
 * deadlocks. Maintenance therefore asks for both at once with NOWAIT, before anything else, retrying in the gaps
 * between statements for about a second (then another day); it never queues behind the engine or ingestion, which
 * wait only the milliseconds a month takes. Nothing to do costs one catalogue read, no lock.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { defaultWorkspaceSettings, workspaceSettingsSchema, type WorkspaceSettings } from '../../core/settings';
import { monthBounds, planMonthlyPartitions, type PartitionPlan } from '../../core/partitions';
import { checkout, type Db, type Tx } from '../db';

/** A table partitioned by month of one of its columns, and what dropping a month must respect. */
export interface MonthlyTable {
  table: 'journey_log' | 'events';
  /** the partition column */
  column: 'at' | 'received_at';
  /** the tables its months' foreign keys tie it to, locked with it (in this order) while months change */
  locks: readonly string[];
  /** a statement that finds a row of the month `partition` something live still needs: that month is kept */
  stillNeeded?: (partition: string) => string;
  /** after months were dropped: remove what belonged only to rows before `before` (outside the table locks) */
  afterDrop?: (tx: Tx, before: Date) => Promise<unknown>;
}

/** The journey log: a month that holds a step of a waiting or running journey is kept, whatever its age. */
export const journeyLogMonths: MonthlyTable = {
  table: 'journey_log',
  column: 'at',
  locks: ['journeys', 'journey_log'],
  stillNeeded: (partition) =>
    `SELECT 1 FROM ${partition} l JOIN journeys j ON j.contact_id = l.contact_id AND j.id = l.journey_id
      WHERE j.state IN ('waiting', 'running') LIMIT 1`,
};

/**
 * Events, by the instant they were received (set by the server, so months fill in order; `occurred_at` is the
 * sender's and may be anything). The retention asked for already covers every active flow's look-back
 * (`eventRetentionMonths`). A sender's message ids are unique per contact in `event_message_ids`, which a
 * partitioned table cannot hold across its months: the keys of dropped months go with them, so a message id is
 * deduplicated for as long as its event is kept.
 */
export const eventMonths: MonthlyTable = {
  table: 'events',
  column: 'received_at',
  locks: ['contacts', 'events'],
  afterDrop: (tx, before) => tx.query(`DELETE FROM event_message_ids WHERE received_at < $1`, [before]),
};

export interface PartitionReport {
  created: string[];
  dropped: string[];
  /** past retention but still needed by something live */
  kept: string[];
  /** another engine is at it, the table is not partitioned (a simulation's copy), or the locks never came free */
  skipped?: 'locked' | 'not partitioned' | 'busy';
}

const LOCK_GAP_MS = 25;

/** The workspace's retention settings (the defaults when unset or unreadable). */
export async function retentionSettings(db: Pick<Db, 'query'>): Promise<WorkspaceSettings['retention']> {
  const stored = await db.query<{ retention: unknown }>(`SELECT settings->'retention' AS retention FROM workspace_settings WHERE id = 1`);
  const parsed = workspaceSettingsSchema.shape.retention.safeParse(stored.rows[0]?.retention);
  return parsed.success ? parsed.data : defaultWorkspaceSettings.retention;
}

export async function maintainMonthlyPartitions(
  db: Db,
  spec: MonthlyTable,
  nows: readonly Date[],
  retentionMonths: number,
  options: {
    /** how long to keep trying for the table locks between statements */
    patienceMs?: number;
    /** more months something live needs, asked only when a month would be dropped (the caller's look-back) */
    atLeastMonths?: () => Promise<number>;
  } = {},
): Promise<PartitionReport> {
  const { patienceMs = 1000 } = options;
  const report: PartitionReport = { created: [], dropped: [], kept: [] };
  const tx = await checkout(db);
  const lockKey = `boomerang.${spec.table}_partitions`;
  let locked = false;
  try {
    const kind = await tx.query<{ relkind: string }>(`SELECT relkind FROM pg_class WHERE oid = $1::regclass`, [spec.table]);
    if (kind.rows[0]?.relkind !== 'p') return { ...report, skipped: 'not partitioned' };
    const first = planMonthlyPartitions(await existingMonths(tx, spec), nows, retentionMonths);
    if (!isWork(first)) return report;
    // a longer retention only drops fewer months, so it is worth asking for only when the setting's would drop one
    if (first.drop.length && options.atLeastMonths) retentionMonths = Math.max(retentionMonths, await options.atLeastMonths());
    // one engine at a time (session lock: the work below may take several transactions)
    locked = (await tx.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock(hashtext($1)) AS ok`, [lockKey])).rows[0].ok;
    if (!locked) return { ...report, skipped: 'locked' };
    for (let attempt = 0; attempt * LOCK_GAP_MS < patienceMs; attempt++) {
      await tx.query('BEGIN');
      try {
        await tx.query(`LOCK TABLE ${spec.locks.join(', ')} IN ACCESS EXCLUSIVE MODE NOWAIT`);
      } catch (error) {
        await tx.query('ROLLBACK');
        if ((error as { code?: string }).code !== '55P03') throw error; // lock_not_available: a statement is running
        await sleep(LOCK_GAP_MS);
        continue;
      }
      const droppedBefore = await applyPlan(tx, spec, planMonthlyPartitions(await existingMonths(tx, spec), nows, retentionMonths), report);
      await tx.query('COMMIT');
      if (droppedBefore && spec.afterDrop) await spec.afterDrop(tx, droppedBefore);
      return report;
    }
    return { ...report, skipped: 'busy' };
  } catch (error) {
    await tx.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    if (locked) await tx.query(`SELECT pg_advisory_unlock(hashtext($1))`, [lockKey]).catch(() => undefined);
    tx.release();
  }
}

const isWork = (plan: PartitionPlan) => plan.create.length > 0 || plan.drop.length > 0;

async function existingMonths(tx: Tx, spec: MonthlyTable): Promise<string[]> {
  const parts = await tx.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = $1::regclass`,
    [spec.table],
  );
  const pattern = new RegExp(`^${spec.table}_p(\\d{4})(\\d{2})$`);
  return parts.rows.flatMap(({ name }) => {
    const m = pattern.exec(name);
    return m ? [`${m[1]}-${m[2]}`] : [];
  });
}

/**
 * Inside the transaction that holds the tables: create the months (moving strays), drop the old ones. Returns the
 * end of the newest month dropped, if any.
 */
async function applyPlan(tx: Tx, spec: MonthlyTable, plan: PartitionPlan, report: PartitionReport): Promise<Date | null> {
  const { table, column } = spec;
  for (const month of plan.create) {
    const { from, to } = monthBounds(month);
    const name = partitionName(table, month);
    const bounds = `FROM ('${from.toISOString()}') TO ('${to.toISOString()}')`;
    const strays = await tx.query(`SELECT 1 FROM ${table}_default WHERE ${column} >= $1 AND ${column} < $2 LIMIT 1`, [from, to]);
    if (!strays.rowCount) {
      await tx.query(`CREATE TABLE ${name} PARTITION OF ${table} FOR VALUES ${bounds}`);
    } else {
      // the default partition caught rows of this month (a clock that ran ahead): they move with the new month
      await tx.query(`CREATE TABLE ${name} (LIKE ${table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`);
      await tx.query(
        `WITH moved AS (DELETE FROM ${table}_default WHERE ${column} >= $1 AND ${column} < $2 RETURNING *)
         INSERT INTO ${name} SELECT * FROM moved`,
        [from, to],
      );
      await tx.query(`ALTER TABLE ${table} ATTACH PARTITION ${name} FOR VALUES ${bounds}`);
    }
    report.created.push(month);
  }
  let droppedBefore: Date | null = null;
  for (const month of plan.drop) {
    const name = partitionName(table, month);
    if (spec.stillNeeded && (await tx.query(spec.stillNeeded(name))).rowCount) {
      report.kept.push(month);
      continue;
    }
    await tx.query(`ALTER TABLE ${table} DETACH PARTITION ${name}`);
    await tx.query(`DROP TABLE ${name}`);
    report.dropped.push(month);
    droppedBefore = monthBounds(month).to;
  }
  return droppedBefore;
}

function partitionName(table: MonthlyTable['table'], month: string): string {
  if (!/^\d{4}-\d{2}$/.test(month)) throw new Error(`not a month: ${month}`);
  return `${table}_p${month.replace('-', '')}`;
}
