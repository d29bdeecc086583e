/**
 * Merging one contact into another: an anonymous visitor (Segment's `anonymousId`) who signs up or signs in, or an
 * `alias` call. It moves engine tables (events, journeys, messages, the trigger inbox), so it lives with the engine's
 * other writers and runs as ONE transaction: either everything of the merged contact belongs to the kept one, or
 * nothing moved.
 *
 * - The kept contact does not exist yet: the merged one is renamed (its externalId becomes the known one) and keeps
 *   everything — the common case, a visitor who signs up.
 * - Both exist: events, messages, inbox rows, topic choices and journeys (with their log) are copied to the kept
 *   contact and the merged contact is deleted with its rows; attributes and consent are merged with the kept
 *   contact's values winning; `last_active_at` is the later of the two. A live journey of the merged contact in a
 *   flow where the kept contact has a live journey too (at most one live journey per flow and contact) ends `exited`
 *   with the reason in its log; every other journey follows the contact. Copied, not re-keyed: on Citus a row's
 *   `contact_id` is its shard and never changes ("modifying the partition value of rows is not allowed"); the rows
 *   keep their ids, so a message's tracking links and receipts still find it.
 *
 * Either way every id of the merged contact (its own and those merged into it before) stays in
 * `contact_external_ids`, leading to the kept contact: an event sent under the anonymous id lands on the known
 * contact even when it arrives after the merge. One racing the merge waits on the merged row's lock (the merge locks
 * both rows first) and, once the row is gone, fails its foreign key; `ingestEventRows` then runs again, with a
 * snapshot that sees the merge (`tests/integration/anonymous-merge-race.spec.ts`).
 *
 * Every locking statement names one row by its distribution column (an external id, a contact id): Citus routes
 * each to one shard, which it requires of FOR UPDATE.
 */
import type { Db } from '../db';
import { inTransaction, type Tx } from '../db';
import { retryOnDeadlock } from './events';

export type MergeOutcome = 'none' | 'renamed' | 'merged';

/** Merges the contact `fromExternalId` into `intoExternalId` (see the file's comment) at engine time `now`. */
export async function mergeContacts(
  db: Db,
  fromExternalId: string,
  intoExternalId: string,
  now: Date,
  /** test hook: awaited inside the transaction, its locks held, before COMMIT */
  hooks: { beforeCommit?: () => Promise<void> } = {},
): Promise<MergeOutcome> {
  if (fromExternalId === intoExternalId) return 'none';
  return retryOnDeadlock(() =>
    inTransaction(db, async (tx) => {
      const outcome = await merge(tx, fromExternalId, intoExternalId, now);
      await hooks.beforeCommit?.();
      return outcome;
    }),
  );
}

async function merge(tx: Tx, fromExternalId: string, intoExternalId: string, now: Date): Promise<MergeOutcome> {
  // both ids' lookup rows, in id order: two merges (or a merge and a contact upsert) of the same pair queue up
  const known = new Map<string, string>();
  for (const externalId of [fromExternalId, intoExternalId].sort()) {
    const { rows } = await tx.query<{ contact_id: string }>(
      `SELECT contact_id FROM contact_external_ids WHERE external_id = $1 FOR UPDATE`,
      [externalId],
    );
    if (rows.length) known.set(externalId, rows[0].contact_id);
  }
  const fromId = known.get(fromExternalId);
  // an id merged away before leads to a contact named otherwise: nothing of its own to merge
  if (fromId === undefined || (await lockContacts(tx, [fromId]))[0] !== fromExternalId) return 'none';
  // a writer creating the known id meanwhile conflicts here and waits; one that won returns its contact
  const { rows } = await tx.query<{ contact_id: string }>(
    `INSERT INTO contact_external_ids (external_id, contact_id) VALUES ($1, $2)
     ON CONFLICT (external_id) DO UPDATE SET contact_id = contact_external_ids.contact_id RETURNING contact_id`,
    [intoExternalId, fromId],
  );
  const intoId = rows[0].contact_id;
  if (intoId === fromId) {
    await tx.query(`UPDATE contacts SET external_id = $2, updated_at = $3 WHERE id = $1`, [fromId, intoExternalId, now]);
    return 'renamed';
  }
  await lockContacts(tx, [intoId]);
  await moveRows(tx, fromId, intoId, intoExternalId, now);
  await tx.query(
    `UPDATE contacts k SET attributes = f.attributes || k.attributes, consent = f.consent || k.consent,
            last_active_at = greatest(k.last_active_at, f.last_active_at), updated_at = $3
       FROM (SELECT attributes, consent, last_active_at FROM contacts WHERE id = $1) f
      WHERE k.id = $2`,
    [fromId, intoId, now],
  );
  // the merged contact's ids (its own and those merged into it before) lead to the kept one from now on
  await tx.query(`UPDATE contact_external_ids SET contact_id = $2 WHERE contact_id = $1`, [fromId, intoId]);
  // its rows go with it (foreign keys ON DELETE CASCADE, between co-located shards on Citus)
  await tx.query(`DELETE FROM contacts WHERE id = $1`, [fromId]);
  return 'merged';
}

/** Locks contacts one statement each, in the order given; returns their externalIds (undefined: gone). */
async function lockContacts(tx: Tx, ids: string[]): Promise<(string | undefined)[]> {
  const names: (string | undefined)[] = [];
  for (const id of ids) {
    const { rows } = await tx.query<{ external_id: string }>(`SELECT external_id FROM contacts WHERE id = $1 FOR UPDATE`, [id]);
    names.push(rows[0]?.external_id);
  }
  return names;
}

/**
 * Per-contact tables, parents first; copied with every column but `contact_id`. `onConflict`: a row the kept contact
 * has already (the same Segment messageId stored under both ids; a topic choice, where the kept contact's wins).
 */
const moved: { table: string; onConflict?: string; skipStoredTwice?: boolean }[] = [
  { table: 'journeys' },
  { table: 'journey_log' },
  { table: 'messages' },
  // messages are partitioned by month: their idempotency keys (per journey, so never both contacts') live beside them
  { table: 'message_keys' },
  // events are partitioned by month, so their message ids are unique through event_message_ids, not a key of theirs
  { table: 'events', skipStoredTwice: true },
  { table: 'event_message_ids', onConflict: 'ON CONFLICT DO NOTHING' },
  { table: 'trigger_inbox' },
  { table: 'contact_topics', onConflict: 'ON CONFLICT DO NOTHING' },
];

/** The merged contact's rows, copied onto the kept one (see the file's comment); deleted with the contact after. */
async function moveRows(tx: Tx, fromId: string, intoId: string, intoExternalId: string, now: Date): Promise<void> {
  // rows an engine or dispatcher is working on are waited for, so the copies are their final state
  for (const table of ['journeys', 'messages', 'trigger_inbox']) {
    await tx.query(`SELECT 1 FROM ${table} WHERE contact_id = $1 FOR UPDATE`, [fromId]);
  }
  await tx.query(
    `WITH clash AS (
       UPDATE journeys j SET state = 'exited', ended_at = $3, next_run_at = NULL, wait = NULL, updated_at = $3
        WHERE j.contact_id = $1 AND j.state IN ('waiting', 'running')
          AND j.flow_id IN (SELECT k.flow_id FROM journeys k WHERE k.contact_id = $2 AND k.state IN ('waiting', 'running'))
        RETURNING j.id, j.contact_id, j.current_node_id)
     INSERT INTO journey_log (journey_id, contact_id, at, node_id, kind, detail)
     SELECT id, contact_id, $3, current_node_id, 'exited', jsonb_build_object('reason', $4::text) FROM clash`,
    [fromId, intoId, now, `contact merged into "${intoExternalId}", which has a live journey in this flow`],
  );
  // Segment message ids both contacts stored (one statement per contact: Citus joins two shards' rows only by key)
  const fromKeys = await tx.query<{ message_id: string }>(`SELECT message_id FROM event_message_ids WHERE contact_id = $1`, [fromId]);
  const storedTwice = fromKeys.rows.length
    ? (
        await tx.query<{ message_id: string }>(
          `SELECT message_id FROM event_message_ids WHERE contact_id = $1 AND message_id = ANY ($2::text[])`,
          [intoId, fromKeys.rows.map((r) => r.message_id)],
        )
      ).rows.map((r) => r.message_id)
    : [];
  for (const { table, onConflict = '', skipStoredTwice } of moved) {
    const columns = (await columnsOf(tx, table)).filter((c) => c !== 'contact_id');
    const list = columns.join(', ');
    const skip = skipStoredTwice && storedTwice.length ? ` AND (message_id IS NULL OR NOT message_id = ANY ($3::text[]))` : '';
    await tx.query(
      `INSERT INTO ${table} (contact_id, ${list}) SELECT $2::bigint, ${list} FROM ${table} WHERE contact_id = $1${skip} ${onConflict}`,
      skip ? [fromId, intoId, storedTwice] : [fromId, intoId],
    );
  }
}

const columnCache = new Map<string, Promise<string[]>>();

/** A table's columns, read once per process (the schema is the migrations'; a merge runs long after they did). */
function columnsOf(tx: Tx, table: string): Promise<string[]> {
  let columns = columnCache.get(table);
  if (!columns) {
    columns = tx
      .query<{ name: string }>(
        `SELECT attname AS name FROM pg_attribute
          WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
        [table],
      )
      .then((result) => result.rows.map((row) => row.name));
    columnCache.set(table, columns);
    columns.catch(() => columnCache.delete(table));
  }
  return columns;
}
