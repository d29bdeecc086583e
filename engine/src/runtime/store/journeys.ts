/**
 * The runtime's SQL over `journeys` and `journey_log` (the engine is their only writer; STYLE.md §6): the due-order
 * claim, the batch writes, and a flow's exit on archive. Enrollment's INSERTs are in `enrollment.ts`.
 */
import { endedJourneyStates, type JourneySnapshot, type LogEffect } from '../../core/types';
import type { Db, Tx } from '../db';
import { claimByBucket, contactBucketSql, type BucketCandidate } from './buckets';

export interface JourneyRow {
  id: string;
  flow_id: string;
  flow_version: number;
  contact_id: string;
  state: JourneySnapshot['state'];
  current_node_id: string;
  next_run_at: Date | null;
  wait: JourneySnapshot['wait'];
  step_seq: number;
  holdout: boolean;
  context: JourneySnapshot['context'];
  entered_at: Date;
}

/** A position in the due order (next_run_at, contact_id, id) — the key of journeys_due_idx. */
export interface ClaimCursor {
  at: Date;
  contactId: string;
  id: string;
}

export interface ClaimRequest {
  flowIds: string[];
  limit: number;
  /** contacts held by other in-flight batches of this process */
  busy: string[];
  /** continue the due order after this key (keyset), or from its start */
  after: ClaimCursor | null;
  /** lock per contact bucket, each statement routable to one shard (store/buckets.ts) */
  byBucket?: boolean;
}

/**
 * Locks up to `limit` due waiting journeys of the given flows in due order (FOR UPDATE SKIP LOCKED), inside the
 * caller's transaction.
 *
 * flow_id compared as text: a filter, never an index condition (with stale statistics the planner AND-ed
 * journeys_live_contact_flow_key's bitmap with the due index and sorted every due journey per claim).
 * Keyset: a tick's batches walk journeys_due_idx from where the previous claim stopped, not from its start (the
 * entries of journeys already advanced in this tick stay in the index until vacuumed: at 1M journeys due at one
 * instant, the plain walk read ~2,300 buffers and took 110 ms per claim after 115k advances, O(N²) per tick).
 */
export async function claimDueJourneys(tx: Tx, now: Date, request: ClaimRequest): Promise<JourneyRow[]> {
  // the ordered walk, whatever the statistics say: right after a bulk enrollment (1M journeys not yet analysed)
  // the planner estimated ~350 due rows, bitmap-scanned all 972k and sorted them per claim (1,069 ms, 22,617
  // buffers read) instead of stopping at the LIMIT. Transaction-local, switched back on right after the claim.
  await tx.query(`SELECT set_config('enable_bitmapscan', 'off', true)`);
  const { after } = request;
  const params = [
    now,
    request.limit,
    request.flowIds,
    request.busy,
    after?.at ?? '-infinity',
    after?.contactId ?? '-9223372036854775808',
    after?.id ?? '00000000-0000-0000-0000-000000000000',
  ];
  const due = `j.state = 'waiting' AND j.next_run_at <= $1 AND j.flow_id::text = ANY($3::text[]) AND NOT (j.contact_id = ANY($4::bigint[]))
        AND (j.next_run_at, j.contact_id, j.id) > ($5::timestamptz, $6::bigint, $7::uuid)`;
  let claimed: JourneyRow[];
  if (!request.byBucket) {
    claimed = (
      await tx.query<JourneyRow>(
        `SELECT ${claimColumns} FROM journeys j WHERE ${due} ORDER BY j.next_run_at, j.contact_id, j.id LIMIT $2 FOR UPDATE SKIP LOCKED`,
        params,
      )
    ).rows;
  } else {
    const candidates = async (tried: string[], n: number) =>
      (
        await tx.query<BucketCandidate>(
          `SELECT j.id, j.contact_id::text, ${contactBucketSql('j.contact_id')} AS bucket
             FROM journeys j WHERE ${due} AND NOT (j.id = ANY($8::uuid[])) ORDER BY j.next_run_at, j.contact_id, j.id LIMIT $2`,
          [now, n, ...params.slice(2), tried],
        )
      ).rows;
    // still due and waiting when locked: another process may have advanced one since the candidates were read
    claimed = await claimByBucket(tx, request.limit, candidates, async (bucketTx, contactIds, ids) => {
      const locked = await bucketTx.query<JourneyRow>(
        `SELECT ${claimColumns} FROM journeys j
          WHERE j.contact_id = ANY($1::bigint[]) AND j.id = ANY($2::uuid[]) AND j.state = 'waiting' AND j.next_run_at <= $3
          FOR UPDATE SKIP LOCKED`,
        [contactIds, ids, now],
      );
      return locked.rows;
    });
  }
  await tx.query(`SELECT set_config('enable_bitmapscan', 'on', true)`);
  return claimed;
}

const claimColumns = `j.id, j.flow_id, j.flow_version, j.contact_id::text, j.state, j.current_node_id, j.next_run_at, j.wait,
            j.step_seq, j.holdout, j.context, j.entered_at`;

const ended = new Set<string>(endedJourneyStates);

/*
 * Each write ships its rows as ONE JSON document (an array of positional arrays) that the server parses once with
 * jsonb_array_elements. pg's array parameters escape every element in JS (escapeElement was the top pg frame in the
 * profile) and the server then parses a text[] and each jsonb inside it again.
 */

/** New states of the batch's journeys, one statement. */
export async function saveJourneys(tx: Tx, journeys: JourneySnapshot[], now: Date): Promise<void> {
  if (!journeys.length) return;
  const rows = journeys.map((j) => [
    j.id,
    j.state,
    j.currentNodeId,
    // a journey that is still live but has no due time (should not happen) is retried at once rather than lost;
    // epoch milliseconds: to_timestamp is IMMUTABLE, a text → timestamptz cast is STABLE, and Citus refuses STABLE
    // functions over columns in a distributed UPDATE
    (j.nextRunAt ?? (ended.has(j.state) ? null : now))?.getTime() ?? null,
    j.wait,
    j.stepSeq,
    j.holdout,
    j.context ?? {},
    ended.has(j.state),
  ]);
  await tx.query(
    `UPDATE journeys j SET state = u->>1, current_node_id = u->>2, next_run_at = to_timestamp((u->>3)::double precision / 1000),
            wait = CASE WHEN jsonb_typeof(u->4) = 'null' THEN NULL ELSE u->4 END,
            step_seq = (u->>5)::int, holdout = (u->>6)::boolean, context = u->7, updated_at = $2::timestamptz,
            ended_at = CASE WHEN (u->>8)::boolean THEN $2::timestamptz ELSE NULL END
       FROM jsonb_array_elements($1::jsonb) AS u
      WHERE j.id = (u->>0)::uuid`,
    [JSON.stringify(rows), now],
  );
}

/** Appends the batch's log rows, one statement. */
export async function appendLog(tx: Tx, logs: { journeyId: string; contactId: string; effect: LogEffect }[], now: Date): Promise<void> {
  if (!logs.length) return;
  const nowIso = now.toISOString(); // nearly every effect happens at `now`: one toISOString, not one per row
  const rows = logs.map((l) => [
    l.journeyId,
    l.contactId,
    l.effect.at.getTime() === now.getTime() ? nowIso : l.effect.at,
    l.effect.nodeId,
    l.effect.kind,
    l.effect.detail ?? {},
    l.effect.step ?? null,
  ]);
  await tx.query(
    `INSERT INTO journey_log (journey_id, contact_id, at, node_id, kind, detail, step)
     SELECT (u->>0)::uuid, (u->>1)::bigint, (u->>2)::timestamptz, u->>3, u->>4, u->5, (u->>6)::int FROM jsonb_array_elements($1::jsonb) AS u`,
    [JSON.stringify(rows)],
  );
}

/**
 * Archive: every live journey of the flow exits, each with a log row saying why, and events queued for its trigger
 * are dropped (they can never enrol anyone now). Runs in the caller's transaction; returns how many journeys exited.
 */
export async function exitLiveJourneys(db: Pick<Db, 'query'>, flowId: string, at: Date, reason: string): Promise<number> {
  const result = await db.query<{ n: number }>(
    `WITH ended AS (
       UPDATE journeys SET state = 'exited', ended_at = $2, next_run_at = NULL, wait = NULL, updated_at = $2
        WHERE flow_id = $1 AND state IN ('waiting', 'running')
        RETURNING id, contact_id, current_node_id),
     logged AS (
       INSERT INTO journey_log (journey_id, contact_id, at, node_id, kind, detail)
       SELECT id, contact_id, $2, current_node_id, 'exited', jsonb_build_object('reason', $3::text) FROM ended RETURNING 1),
     purged AS (DELETE FROM trigger_inbox WHERE flow_id = $1 RETURNING 1)
     SELECT count(*)::int AS n FROM logged`,
    [flowId, at, reason],
  );
  return result.rows[0].n;
}

/**
 * Publish with "move": waiting journeys of older versions whose step exists in the new version with the same type
 * continue there. Their wait (due time, awaited event) is kept as it was.
 */
export async function moveWaitingJourneys(
  db: Pick<Db, 'query'>,
  flowId: string,
  to: number,
  steps: { id: string; type: string }[],
  at: Date,
): Promise<number> {
  if (steps.length === 0) return 0;
  const result = await db.query<{ n: number }>(
    `WITH moved AS (
       UPDATE journeys j SET flow_version = $2, updated_at = $5
         FROM flow_versions v, jsonb_array_elements(v.graph -> 'nodes') old_node
        WHERE j.flow_id = $1 AND j.state = 'waiting' AND j.flow_version <> $2
          AND v.flow_id = j.flow_id AND v.version = j.flow_version
          AND old_node ->> 'id' = j.current_node_id
          AND (old_node ->> 'id', old_node ->> 'type') IN (SELECT * FROM unnest($3::text[], $4::text[]))
        RETURNING 1)
     SELECT count(*)::int AS n FROM moved`,
    [flowId, to, steps.map((s) => s.id), steps.map((s) => s.type), at],
  );
  return result.rows[0].n;
}

/**
 * Per-contact transaction locks (two-key advisory locks, never waited for): the contacts of a claimed batch that no
 * other engine process's batch is stepping right now. Frequency caps are counted over the contact's sends across
 * flows, so two processes must not decide sends for one contact at the same time; a contact held elsewhere is left
 * for the next pass, when that batch has committed and its sends are visible.
 */
export async function lockContacts(tx: Tx, contactIds: string[]): Promise<Set<string>> {
  if (!contactIds.length) return new Set();
  const locked = await tx.query<{ id: string }>(
    `SELECT c::text AS id FROM unnest($1::bigint[]) AS c WHERE pg_try_advisory_xact_lock(${CONTACT_LOCK_CLASS}, (c % 2147483647)::int)`,
    [[...new Set(contactIds)]],
  );
  return new Set(locked.rows.map((r) => r.id));
}

/** The first key of the per-contact advisory locks ('boom'), apart from the one-key locks of enrollment. */
const CONTACT_LOCK_CLASS = 0x626f6f6d;
