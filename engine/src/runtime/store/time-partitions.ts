/**
 * Bounded storage (issue 23): `journey_log`, `events` and `messages` are partitioned by UTC month. Months are created ahead and
 * dropped past the workspace's retention as whole partitions, never row by row (the plan is the core's
 * `planMonthlyPartitions`). The default partition (rows outside every month, e.g. a test clock years away) is never
 * dropped; when a month is created, the rows it caught for that month move into it.
 *
 * Locks: creating or dropping a month changes the foreign-key triggers between the table and the table it references
 * (`journeys` for the log, `contacts` for events, contacts, flows and journeys for messages), which needs ACCESS
 * EXCLUSIVE on them. An engine batch holds a row
 * lock on `journeys` from its claim to its COMMIT and then asks for more, so waiting for those locks behind it
 * deadlocks. Maintenance therefore asks for both at once with NOWAIT, before anything else, retrying in the gaps
 * between statements for about a second (then another day); it never queues behind the engine or ingestion, which
 * wait only the milliseconds a month takes. Nothing to do costs one catalogue read, no lock.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { defaultWorkspaceSettings, workspaceSettingsSchema, type WorkspaceSettings } from '../../core/settings';
import { monthBounds, planMonthlyPartitions, type PartitionPlan } from '../../core/partitions';
import { checkout, SEQUENTIAL_SHARD_ACCESS, type Db, type Tx } from '../db';

/** A table partitioned by month of one of its columns, and what dropping a month must respect. */
export interface MonthlyTable {
  table: 'journey_log' | 'events' | 'messages';
  /** the partition column */
  column: 'at' | 'received_at' | 'created_at';
  /** the tables its months' foreign keys tie it to, locked with it (in this order) while months change */
  locks: readonly string[];
  /** a statement that finds a row of the month `partition` something live still needs: that month is kept */
  stillNeeded?: (partition: string) => string;
  /** after months were dropped: remove what belonged only to their rows (outside the table locks) */
  afterDrop?: (tx: Tx, dropped: readonly MonthRange[]) => Promise<unknown>;
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
 * (`monthsToKeep`). A sender's message ids are unique per contact in `event_message_ids`, which a
 * partitioned table cannot hold across its months: the keys of dropped months go with them, so a message id is
 * deduplicated for as long as its event is kept.
 */
export const eventMonths: MonthlyTable = {
  table: 'events',
  column: 'received_at',
  locks: ['contacts', 'events'],
  afterDrop: (tx, dropped) => deleteInMonths(tx, 'event_message_ids', 'received_at', dropped),
};

/**
 * Messages, by the instant their step queued them (it never changes). A month holding a message still queued (held by
 * quiet hours, a retry's backoff, an escalation hop) or a message of a waiting or running journey (escalations read
 * the chain's earlier messages; the journey's timeline shows them) is kept. The retention asked for already covers the
 * frequency caps' and the attribution window. Idempotency keys live in `message_keys` (a partitioned table cannot
 * hold them unique across months) and go with their month: by then no step can be replayed for them.
 */
export const messageMonths: MonthlyTable = {
  table: 'messages',
  column: 'created_at',
  locks: ['contacts', 'flows', 'journeys', 'messages'],
  stillNeeded: (partition) =>
    `SELECT 1 FROM ${partition} m
      WHERE m.status = 'queued'
         OR EXISTS (SELECT 1 FROM journeys j WHERE j.contact_id = m.contact_id AND j.id = m.journey_id AND j.state IN ('waiting', 'running'))
      LIMIT 1`,
  afterDrop: (tx, dropped) => deleteInMonths(tx, 'message_keys', 'created_at', dropped),
};

type MonthRange = { from: Date; to: Date };

/**
 * A key table's rows stamped inside the dropped months (a kept month's keys stay with its rows): one range per month,
 * a plain statement a sharded database runs on every shard as it is.
 */
async function deleteInMonths(tx: Tx, table: string, column: string, months: readonly MonthRange[]): Promise<void> {
  for (const { from, to } of months) await tx.query(`DELETE FROM ${table} WHERE ${column} >= $1 AND ${column} < $2`, [from, to]);
}

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
    const months = await existingMonths(tx, spec);
    if (!months) return { ...report, skipped: 'not partitioned' };
    const first = planMonthlyPartitions(months, nows, retentionMonths);
    if (!isWork(first)) return report;
    // a longer retention only drops fewer months, so it is worth asking for only when the setting's would drop one
    if (first.drop.length && options.atLeastMonths) retentionMonths = Math.max(retentionMonths, await options.atLeastMonths());
    // one engine at a time (session lock: the work below may take several transactions)
    locked = (await tx.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock(hashtext($1)) AS ok`, [lockKey])).rows[0].ok;
    if (!locked) return { ...report, skipped: 'locked' };
    for (let attempt = 0; attempt * LOCK_GAP_MS < patienceMs; attempt++) {
      await tx.query('BEGIN');
      // this transaction reads shards (stillNeeded) before it detaches months
      await tx.query(SEQUENTIAL_SHARD_ACCESS);
      try {
        await tx.query(`LOCK TABLE ${spec.locks.join(', ')} IN ACCESS EXCLUSIVE MODE NOWAIT`);
      } catch (error) {
        await tx.query('ROLLBACK');
        if ((error as { code?: string }).code !== '55P03') throw error; // lock_not_available: a statement is running
        await sleep(LOCK_GAP_MS);
        continue;
      }
      await applyPlan(tx, spec, planMonthlyPartitions((await existingMonths(tx, spec)) ?? [], nows, retentionMonths), report);
      await tx.query('COMMIT');
      if (report.dropped.length && spec.afterDrop) await spec.afterDrop(tx, report.dropped.map(monthBounds));
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

/** The table's months (`YYYY-MM`), in one catalogue read; null when the table is not partitioned. */
async function existingMonths(tx: Tx, spec: MonthlyTable): Promise<string[] | null> {
  const table = await tx.query<{ relkind: string; parts: string[] }>(
    `SELECT t.relkind, ARRAY(SELECT c.relname::text FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = t.oid) AS parts
       FROM pg_class t WHERE t.oid = $1::regclass`,
    [spec.table],
  );
  if (table.rows[0]?.relkind !== 'p') return null;
  const pattern = new RegExp(`^${spec.table}_p(\\d{4})(\\d{2})$`);
  return table.rows[0].parts.flatMap((name) => {
    const m = pattern.exec(name);
    return m ? [`${m[1]}-${m[2]}`] : [];
  });
}

/** Inside the transaction that holds the tables: create the months (moving strays), drop the old ones. */
async function applyPlan(tx: Tx, spec: MonthlyTable, plan: PartitionPlan, report: PartitionReport): Promise<void> {
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
  for (const month of plan.drop) {
    const name = partitionName(table, month);
    if (spec.stillNeeded && (await tx.query(spec.stillNeeded(name))).rowCount) {
      report.kept.push(month);
      continue;
    }
    await tx.query(`ALTER TABLE ${table} DETACH PARTITION ${name}`);
    await tx.query(`DROP TABLE ${name}`);
    report.dropped.push(month);
  }
}

function partitionName(table: MonthlyTable['table'], month: string): string {
  if (!/^\d{4}-\d{2}$/.test(month)) throw new Error(`not a month: ${month}`);
  return `${table}_p${month.replace('-', '')}`;
}
