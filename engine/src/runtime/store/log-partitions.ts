/**
 * Bounded storage for `journey_log` (issue 23): months are created ahead and dropped past the workspace's retention,
 * as whole partitions (the plan is the core's `planMonthlyPartitions`). A month that still holds a step of a live
 * journey is kept, whatever its age: nothing a running journey needs goes. The default partition (rows outside every
 * month) is never dropped.
 *
 * Locks: creating or dropping a month changes the foreign-key triggers on `journeys`, which needs ACCESS EXCLUSIVE
 * there and on `journey_log`. An engine batch holds a row lock on `journeys` from its claim to its COMMIT and then
 * asks for more, so waiting for those locks behind it deadlocks. Maintenance therefore asks for both at once with
 * NOWAIT, before anything else, retrying in the gaps between batches for about a second (then another day); it never queues behind the
 * engine, and the engine waits only the milliseconds a month takes. Nothing to do costs one catalogue read, no lock.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { defaultWorkspaceSettings, workspaceSettingsSchema } from '../../core/settings';
import { monthBounds, planMonthlyPartitions, type PartitionPlan } from '../../core/partitions';
import { checkout, type Db, type Tx } from '../db';

export interface PartitionReport {
  created: string[];
  dropped: string[];
  /** past retention but holding a live journey's rows */
  kept: string[];
  /** another engine is at it, the table is not partitioned (a simulation's copy), or the locks never came free */
  skipped?: 'locked' | 'not partitioned' | 'busy';
}

const LOCK_GAP_MS = 25;

/** The workspace's retention for the journey log, in months (the default when unset or unreadable). */
export async function logRetentionMonths(db: Pick<Db, 'query'>): Promise<number> {
  const stored = await db.query<{ retention: unknown }>(`SELECT settings->'retention' AS retention FROM workspace_settings WHERE id = 1`);
  const parsed = workspaceSettingsSchema.shape.retention.safeParse(stored.rows[0]?.retention);
  return parsed.success ? parsed.data.journeyLogMonths : defaultWorkspaceSettings.retention.journeyLogMonths;
}

export async function maintainLogPartitions(
  db: Db,
  nows: readonly Date[],
  retentionMonths: number,
  /** how long to keep trying for the two table locks between batches */
  patienceMs = 1000,
): Promise<PartitionReport> {
  const report: PartitionReport = { created: [], dropped: [], kept: [] };
  const tx = await checkout(db);
  let locked = false;
  try {
    const kind = await tx.query<{ relkind: string }>(`SELECT relkind FROM pg_class WHERE oid = 'journey_log'::regclass`);
    if (kind.rows[0]?.relkind !== 'p') return { ...report, skipped: 'not partitioned' };
    if (!isWork(planMonthlyPartitions(await existingMonths(tx), nows, retentionMonths))) return report;
    // one engine at a time (session lock: the work below may take several transactions)
    locked = (await tx.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock(hashtext('boomerang.journey_log_partitions')) AS ok`)).rows[0]
      .ok;
    if (!locked) return { ...report, skipped: 'locked' };
    for (let attempt = 0; attempt * LOCK_GAP_MS < patienceMs; attempt++) {
      await tx.query('BEGIN');
      try {
        await tx.query(`LOCK TABLE journeys, journey_log IN ACCESS EXCLUSIVE MODE NOWAIT`);
      } catch (error) {
        await tx.query('ROLLBACK');
        if ((error as { code?: string }).code !== '55P03') throw error; // lock_not_available: a batch is running
        await sleep(LOCK_GAP_MS);
        continue;
      }
      await applyPlan(tx, planMonthlyPartitions(await existingMonths(tx), nows, retentionMonths), report);
      await tx.query('COMMIT');
      return report;
    }
    return { ...report, skipped: 'busy' };
  } catch (error) {
    await tx.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    if (locked) await tx.query(`SELECT pg_advisory_unlock(hashtext('boomerang.journey_log_partitions'))`).catch(() => undefined);
    tx.release();
  }
}

const isWork = (plan: PartitionPlan) => plan.create.length > 0 || plan.drop.length > 0;

async function existingMonths(tx: Tx): Promise<string[]> {
  const parts = await tx.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'journey_log'::regclass`,
  );
  return parts.rows.flatMap(({ name }) => {
    const m = /^journey_log_p(\d{4})(\d{2})$/.exec(name);
    return m ? [`${m[1]}-${m[2]}`] : [];
  });
}

/** Inside the transaction that holds both tables: create the months (moving strays), drop the old ones. */
async function applyPlan(tx: Tx, plan: PartitionPlan, report: PartitionReport): Promise<void> {
  for (const month of plan.create) {
    const { from, to } = monthBounds(month);
    const name = partitionName(month);
    const bounds = `FROM ('${from.toISOString()}') TO ('${to.toISOString()}')`;
    const strays = await tx.query(`SELECT 1 FROM journey_log_default WHERE at >= $1 AND at < $2 LIMIT 1`, [from, to]);
    if (!strays.rowCount) {
      await tx.query(`CREATE TABLE ${name} PARTITION OF journey_log FOR VALUES ${bounds}`);
    } else {
      // the default partition caught rows of this month (a clock that ran ahead): they move with the new month
      await tx.query(`CREATE TABLE ${name} (LIKE journey_log INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`);
      await tx.query(
        `WITH moved AS (DELETE FROM journey_log_default WHERE at >= $1 AND at < $2 RETURNING *)
         INSERT INTO ${name} SELECT * FROM moved`,
        [from, to],
      );
      await tx.query(`ALTER TABLE journey_log ATTACH PARTITION ${name} FOR VALUES ${bounds}`);
    }
    report.created.push(month);
  }
  for (const month of plan.drop) {
    const name = partitionName(month);
    const live = await tx.query(
      `SELECT 1 FROM ${name} l JOIN journeys j ON j.contact_id = l.contact_id AND j.id = l.journey_id
        WHERE j.state IN ('waiting', 'running') LIMIT 1`,
    );
    if (live.rowCount) {
      report.kept.push(month);
      continue;
    }
    await tx.query(`ALTER TABLE journey_log DETACH PARTITION ${name}`);
    await tx.query(`DROP TABLE ${name}`);
    report.dropped.push(month);
  }
}

function partitionName(month: string): string {
  if (!/^\d{4}-\d{2}$/.test(month)) throw new Error(`not a month: ${month}`);
  return `journey_log_p${month.replace('-', '')}`;
}
