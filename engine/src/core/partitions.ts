/**
 * Monthly time partitions (issue 23, bounded storage): which months a partitioned log table must have and which it
 * may drop. Pure: the runtime lists what exists and does what the plan says.
 *
 * Months are UTC calendar months named `YYYY-MM`. A table keeps partitions from one month before the earliest "now"
 * (rows stamped a little in the past, e.g. a receipt's time) to `ahead` months after the latest (the virtual clock
 * and a long weekend of no maintenance never write outside them). A month whose end is more than `retentionMonths`
 * before the earliest now may be dropped; the runtime keeps any that still holds a live journey's rows.
 */
export interface PartitionPlan {
  /** months to create, oldest first */
  create: string[];
  /** months past retention, oldest first */
  drop: string[];
}

export function monthOf(instant: Date): string {
  return `${instant.getUTCFullYear()}-${String(instant.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** The month `count` months after `month` (negative: before). */
export function addMonths(month: string, count: number): string {
  const [year, m] = month.split('-').map(Number);
  return monthOf(new Date(Date.UTC(year, m - 1 + count, 1)));
}

/** The instants a month's partition holds: [from, to). */
export function monthBounds(month: string): { from: Date; to: Date } {
  const [year, m] = month.split('-').map(Number);
  return { from: new Date(Date.UTC(year, m - 1, 1)), to: new Date(Date.UTC(year, m, 1)) };
}

export function planMonthlyPartitions(
  existing: readonly string[],
  nows: readonly Date[],
  retentionMonths: number,
  ahead = 3,
): PartitionPlan {
  const times = nows.map((n) => n.getTime());
  const earliest = monthOf(new Date(Math.min(...times)));
  const latest = monthOf(new Date(Math.max(...times)));
  const have = new Set(existing);
  const create: string[] = [];
  for (let month = addMonths(earliest, -1); month <= addMonths(latest, ahead); month = addMonths(month, 1)) {
    if (!have.has(month)) create.push(month);
  }
  // the current month and `retentionMonths` whole months before it are kept
  const keepFrom = addMonths(earliest, -retentionMonths);
  const drop = [...existing].filter((month) => month < keepFrom).sort();
  return { create, drop };
}

const DAY_MS = 86_400_000;

/**
 * Whole months of a table to keep before the current one: the setting, or more while something live looks further
 * back (`lookBackMs`; for events the longest rule window, activity window or attribution window of the active flows,
 * for messages the frequency caps' and the attribution window). Every month
 * has at least 28 days, so that many months always reach back past the look-back from any day of the current one.
 */
export function monthsToKeep(settingMonths: number, lookBackMs: number): number {
  return Math.max(settingMonths, Math.ceil(lookBackMs / (28 * DAY_MS)));
}
