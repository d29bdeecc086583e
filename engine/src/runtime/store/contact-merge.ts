/**
 * Merging one contact into another: an anonymous visitor (Segment's `anonymousId`) who signs up or signs in, or an
 * `alias` call. It moves engine tables (events, journeys, messages, the trigger inbox), so it lives with the engine's
 * other writers and runs as ONE transaction: either everything of the merged contact belongs to the kept one, or
 * nothing moved.
 *
 * - The kept contact does not exist yet: the merged one is renamed (its externalId becomes the known one) and keeps
 *   everything — the common case, a visitor who signs up.
 * - Both exist: events, messages, inbox rows and journeys move to the kept contact; attributes and consent are merged
 *   with the kept contact's values winning; `last_active_at` is the later of the two; the merged contact is deleted.
 *   A live journey of the merged contact in a flow where the kept contact has a live journey too (at most one live
 *   journey per flow and contact) ends `exited` with the reason in its log; every other journey follows the contact.
 *
 * Either way the old externalId is kept in `contact_redirects`, leading to the kept contact: the ingest statement
 * resolves an id through it when no contact has it, so an event sent under the anonymous id lands on the known
 * contact even when it arrives after the merge. One racing the merge waits on the merged row's lock (the merge
 * locks both rows first) and, once the row is gone, fails its foreign key; `ingestEventRows` then runs again, with a
 * snapshot that sees the merge and its redirect (`tests/integration/anonymous-merge-race.spec.ts`).
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
  {
    {
      // both rows locked in id order: two merges (or a merge and an upsert) of the same pair queue up, never deadlock
      const { rows } = await tx.query<{ id: string; external_id: string }>(
        `SELECT id, external_id FROM contacts WHERE external_id = ANY($1::text[]) ORDER BY id FOR UPDATE`,
        [[fromExternalId, intoExternalId]],
      );
      const from = rows.find((r) => r.external_id === fromExternalId);
      const into = rows.find((r) => r.external_id === intoExternalId);
      if (!from) return 'none';
      if (!into) {
        await tx.query(`UPDATE contacts SET external_id = $2, updated_at = $3 WHERE id = $1`, [from.id, intoExternalId, now]);
        await redirect(tx, fromExternalId, from.id, now);
        return 'renamed';
      }
      await tx.query(
        `WITH clash AS (
           UPDATE journeys j SET state = 'exited', ended_at = $3, next_run_at = NULL, wait = NULL, updated_at = $3
            WHERE j.contact_id = $1 AND j.state IN ('waiting', 'running')
              AND EXISTS (SELECT 1 FROM journeys k WHERE k.contact_id = $2 AND k.flow_id = j.flow_id AND k.state IN ('waiting', 'running'))
            RETURNING j.id, j.contact_id, j.current_node_id)
         INSERT INTO journey_log (journey_id, contact_id, at, node_id, kind, detail)
         SELECT id, contact_id, $3, current_node_id, 'exited', jsonb_build_object('reason', $4::text) FROM clash`,
        [from.id, into.id, now, `contact merged into "${intoExternalId}", which has a live journey in this flow`],
      );
      await tx.query(`UPDATE journeys SET contact_id = $2 WHERE contact_id = $1`, [from.id, into.id]);
      await tx.query(`UPDATE events SET contact_id = $2 WHERE contact_id = $1`, [from.id, into.id]);
      // a sender's message id stays deduplicated for the kept contact (both had it: the kept contact's key stays)
      await tx.query(
        `WITH moved AS (DELETE FROM event_message_ids WHERE contact_id = $1 RETURNING message_id, received_at)
         INSERT INTO event_message_ids (message_id, contact_id, received_at) SELECT message_id, $2, received_at FROM moved
         ON CONFLICT (message_id, contact_id) DO NOTHING`,
        [from.id, into.id],
      );
      await tx.query(`UPDATE messages SET contact_id = $2 WHERE contact_id = $1`, [from.id, into.id]);
      await tx.query(`UPDATE trigger_inbox SET contact_id = $2 WHERE contact_id = $1`, [from.id, into.id]);
      // topic choices: the known contact's win
      await tx.query(
        `INSERT INTO contact_topics (contact_id, topic, channel, subscribed, updated_at)
         SELECT $2, topic, channel, subscribed, updated_at FROM contact_topics WHERE contact_id = $1
         ON CONFLICT (contact_id, topic, channel) DO NOTHING`,
        [from.id, into.id],
      );
      await tx.query(
        `UPDATE contacts k SET attributes = f.attributes || k.attributes, consent = f.consent || k.consent,
                last_active_at = greatest(k.last_active_at, f.last_active_at), updated_at = $3
           FROM contacts f WHERE k.id = $2 AND f.id = $1`,
        [from.id, into.id, now],
      );
      // the merged contact's old ids (its own and those merged into it before) lead to the kept one from now on
      await tx.query(`UPDATE contact_redirects SET contact_id = $2 WHERE contact_id = $1`, [from.id, into.id]);
      await redirect(tx, fromExternalId, into.id, now);
      await tx.query(`DELETE FROM contacts WHERE id = $1`, [from.id]);
      return 'merged';
    }
  }
}

/** From now on an event naming `externalId` lands on `contactId` (`contact_redirects`; read by the ingest statement). */
async function redirect(tx: Tx, externalId: string, contactId: string, now: Date): Promise<void> {
  await tx.query(
    `INSERT INTO contact_redirects (external_id, contact_id, merged_at) VALUES ($1, $2, $3)
     ON CONFLICT (external_id) DO UPDATE SET contact_id = EXCLUDED.contact_id, merged_at = EXCLUDED.merged_at`,
    [externalId, contactId, now],
  );
}
