/**
 * Claims by contact bucket, for a database sharded by contact (Citus, docs/SCALING.md). Citus runs
 * `FOR UPDATE SKIP LOCKED` only in a statement it routes to one shard, and it routes a statement to one shard only
 * when it names the contacts (`contact_id = ANY($list)` of one shard's contacts); a predicate over a range or a hash
 * of contact ids is not pruned. So a claim becomes: the due candidates in due order without locks (any number of
 * shards), grouped by `boomerang_contact_bucket(contact_id)`, then one locking statement per bucket naming its
 * contacts and rows. On plain PostgreSQL the function answers one bucket for everyone (the migration's
 * definition); scripts/citus/distribute.sql replaces it with the contact's shard.
 *
 * Candidates read without locks are the same for every process: another process's candidates may all be locked by
 * the first one. A claim then reads the next candidates past the ones it tried, as SKIP LOCKED walks past locked
 * rows, until it has its rows or the due order ends.
 */
import type { Tx } from '../db';

export interface BucketCandidate {
  id: string;
  contact_id: string;
  bucket: string;
}

/** The SQL expression of a contact's bucket. */
export const contactBucketSql = (contactId: string): string => `boomerang_contact_bucket(${contactId})::text`;

/**
 * Locks `candidates` bucket by bucket with `lock` (one statement per bucket, given that bucket's contact ids and row
 * ids) and answers every row locked, in the candidates' order.
 */
async function lockCandidatesByBucket<T extends { id: string }>(
  tx: Tx,
  candidates: BucketCandidate[],
  lock: (tx: Tx, contactIds: string[], ids: string[]) => Promise<T[]>,
): Promise<T[]> {
  const buckets = new Map<string, BucketCandidate[]>();
  for (const candidate of candidates) {
    const bucket = buckets.get(candidate.bucket);
    if (bucket) bucket.push(candidate);
    else buckets.set(candidate.bucket, [candidate]);
  }
  const locked = new Map<string, T>();
  for (const group of buckets.values()) {
    const rows = await lock(
      tx,
      [...new Set(group.map((r) => r.contact_id))],
      group.map((r) => r.id),
    );
    for (const row of rows) locked.set(row.id, row);
  }
  return candidates.flatMap((c) => locked.get(c.id) ?? []);
}

/**
 * Up to `limit` rows: `candidates(tried, n)` answers the next `n` due candidates in due order, leaving out the ids in
 * `tried`; each batch of candidates is locked bucket by bucket (`lock`); the walk goes on past candidates that were
 * locked elsewhere until `limit` rows are locked or no candidate is left.
 */
export async function claimByBucket<T extends { id: string }>(
  tx: Tx,
  limit: number,
  candidates: (tried: string[], n: number) => Promise<BucketCandidate[]>,
  lock: (tx: Tx, contactIds: string[], ids: string[]) => Promise<T[]>,
): Promise<T[]> {
  const claimed: T[] = [];
  const tried: string[] = [];
  while (claimed.length < limit) {
    const wanted = limit - claimed.length;
    const next = await candidates(tried, wanted);
    if (!next.length) break;
    claimed.push(...(await lockCandidatesByBucket(tx, next, lock)));
    if (next.length < wanted) break;
    tried.push(...next.map((c) => c.id));
  }
  return claimed;
}
