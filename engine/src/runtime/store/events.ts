/**
 * Event ingestion, the engine's side of it: events are contact facts the API receives, but storing them also feeds
 * enrollment (the trigger inbox) and wakes waiting journeys, both engine tables, so the statement lives here and the
 * API calls it.
 *
 * One statement per flush: it creates the missing contacts when the workspace allows it, inserts the events, moves
 * `last_active_at` forward for activity events, writes one `trigger_inbox` row per event that an active flow's
 * event trigger listens for, and wakes the contacts' waiting journeys. The inbox row commits
 * with its event, so a trigger sees every event that was received while its flow was active, whatever its
 * `occurredAt` and however long the ingest statement took to commit.
 *
 * `EventIngestor` coalesces concurrent callers: a few statements run at once, and rows submitted while all of them are
 * busy go together in the next one (no timer: a lone request is written at once). Single-event `track` calls then
 * cost a share of one statement instead of a transaction of their own.
 */
import type { Db } from '../db';

export interface EventRow {
  /** the contact's externalId */
  e: string;
  /** event name */
  n: string;
  /** ISO instant it occurred */
  t: string;
  p: Record<string, unknown>;
  /** a sender's message id (Segment's `messageId`): an event whose id is stored already is skipped, not stored twice */
  m?: string;
}

export interface IngestDefaults {
  /** used when the workspace settings do not say */
  createContactsOnEvent: boolean;
  nonActivityEvents: string[];
}

/** Stores `rows` in one statement at engine time `now`; returns the positions whose contact does not exist. */
export async function ingestEventRows(db: Pick<Db, 'query'>, rows: EventRow[], now: Date, defaults: IngestDefaults): Promise<number[]> {
  if (!rows.length) return [];
  const json = JSON.stringify(rows.map((row, i) => ({ ...row, i })));
  const externalIds = [...new Set(rows.map((row) => row.e))];
  // ONE statement (atomic on its own, one round trip). External ids resolve through `contact_external_ids` (an id
  // merged into another contact leads to it). An id missing from the statement's snapshot is claimed there for a
  // contact id drawn from contacts_id_seq; when another transaction claimed it meanwhile, the claim conflicts,
  // waits for that transaction, and DO UPDATE returns the winner's contact id (DO NOTHING would return nothing and
  // the events would be reported missing). The contact is created only for a claim this statement won; on the
  // winner's contact (committed, but outside this snapshot) ON CONFLICT (id) moves last_active_at instead.
  // Nothing names contacts.external_id's unique key: Citus cannot enforce it (docs/SCALING.md §5).
  const missing = await retryOnMergedContact(
    () =>
      db.query<{ i: number }>({
        // named: each connection parses and plans this statement once (the text is long; single-event requests repeat it)
        name: 'boomerang-ingest-events',
        text: `WITH known AS (
         -- the id list as an index condition (a join let the planner hash a sequential scan of the table while it was
         -- small); on Citus, a list of distribution-column values: each shard is asked for its own ids only
         SELECT external_id, contact_id FROM contact_external_ids WHERE external_id = ANY ($5::text[])),
       input AS (
         SELECT x.i, x.e, x.n, x.t, x.p, x.m, k.contact_id
           FROM jsonb_to_recordset($1::jsonb) AS x(i int, e text, n text, t timestamptz, p jsonb, m text)
           LEFT JOIN known k ON k.external_id = x.e),
       non_activity AS (
         SELECT jsonb_array_elements_text(COALESCE(
           (SELECT s.settings -> 'nonActivityEvents' FROM workspace_settings s WHERE s.id = 1), $3::jsonb)) AS name),
       -- a contact created here carries its last activity itself: the UPDATE below cannot see rows of this statement
       wanted AS (
         SELECT e, nextval('contacts_id_seq') AS id, max(t) FILTER (WHERE n NOT IN (SELECT name FROM non_activity)) AS active_at
           FROM input
          WHERE contact_id IS NULL
            AND COALESCE((SELECT (s.settings ->> 'createContactsOnEvent')::boolean FROM workspace_settings s WHERE s.id = 1), $4)
          GROUP BY e),
       claimed AS (
         INSERT INTO contact_external_ids (external_id, contact_id)
         -- in one order for every writer (no deadlock between claims); the collation named: Citus sorts its
         -- intermediate result with none ("could not determine which collation to use")
         SELECT e, id FROM wanted ORDER BY e COLLATE "C"
         ON CONFLICT (external_id) DO UPDATE SET contact_id = contact_external_ids.contact_id
         RETURNING external_id, contact_id),
       -- each id's activity in one jsonb object, read by key below, not joined: the planner, blind to the sizes of
       -- these CTEs, joined claimed to wanted in a nested loop (500 new ids: 28 ms of a 60 ms statement)
       activity AS MATERIALIZED (SELECT jsonb_object_agg(e, active_at) AS at FROM wanted),
       created AS (
         INSERT INTO contacts (id, external_id, created_at, updated_at, last_active_at)
         SELECT c.contact_id, c.external_id, $2::timestamptz, $2::timestamptz, (a.at ->> c.external_id)::timestamptz
           FROM claimed c, activity a
          ORDER BY c.contact_id
         ON CONFLICT (id) DO UPDATE SET last_active_at = greatest(contacts.last_active_at, EXCLUDED.last_active_at)
         RETURNING 1),
       resolved AS (
         SELECT i.i, i.n, i.t, i.p, i.m, COALESCE(i.contact_id, c.contact_id) AS contact_id
           FROM input i LEFT JOIN claimed c ON i.contact_id IS NULL AND c.external_id = i.e),
       -- a message id stored before (a retried Segment batch; a concurrent twin waits for the first to commit) is
       -- skipped: the event, its inbox row and its wake-up exist once. The key has its own table (events are
       -- partitioned by month, and a partitioned table's unique keys are per month); of twins within this
       -- statement, the first keeps the key and is stored.
       keyed AS (
         INSERT INTO event_message_ids (message_id, contact_id, received_at)
         SELECT m, contact_id, $2 FROM resolved WHERE m IS NOT NULL AND contact_id IS NOT NULL ORDER BY i
         ON CONFLICT (message_id, contact_id) DO NOTHING
         RETURNING message_id, contact_id),
       -- (collations named: Citus compares these CTEs' text as intermediate results, which carry none)
       first_keyed AS (
         SELECT min(r.i) AS i FROM resolved r JOIN keyed k ON k.message_id = r.m COLLATE "C" AND k.contact_id = r.contact_id
          GROUP BY r.m COLLATE "C", r.contact_id),
       stored AS (
         INSERT INTO events (contact_id, name, occurred_at, properties, is_activity, received_at, message_id)
         SELECT r.contact_id, r.n, r.t, COALESCE(r.p, '{}'::jsonb), r.n NOT IN (SELECT name FROM non_activity), $2, r.m
           -- a join, not a filter on a subquery: the planner then expects every row stored, and the statements below
           -- that read what was stored keep their hash plans (a filter made it expect a handful, and a nested loop of
           -- 1,000 index probes over the contact id list cost 20 times the statement)
           FROM resolved r LEFT JOIN first_keyed f ON f.i = r.i
          WHERE r.contact_id IS NOT NULL AND (r.m IS NULL OR f.i IS NOT NULL)
          ORDER BY r.i
         RETURNING id, contact_id, name, occurred_at, is_activity),
       inbox AS (
         INSERT INTO trigger_inbox (flow_id, contact_id, event_id, event_name, occurred_at, received_at)
         SELECT t.flow_id, s.contact_id, s.id, s.name, s.occurred_at, $2
           FROM stored s JOIN active_event_triggers t ON t.event_name = s.name
         RETURNING 1),
       active AS (
         UPDATE contacts c SET last_active_at = greatest(c.last_active_at, a.at)
           FROM (SELECT contact_id, max(occurred_at) AS at FROM stored WHERE is_activity GROUP BY contact_id) a
          -- the id list as an index condition (the join alone planned a sequential scan of contacts, as above)
          WHERE c.id = a.contact_id AND c.id = ANY (ARRAY(SELECT contact_id FROM stored WHERE is_activity))
            AND (c.last_active_at IS NULL OR c.last_active_at < a.at)
          RETURNING 1),
       woken AS (
         UPDATE journeys SET next_run_at = $2
          WHERE state = 'waiting' AND contact_id IN (SELECT contact_id FROM stored) AND next_run_at > $2
          RETURNING 1)
       -- (data-modifying CTEs run to completion whether or not the final SELECT reads them)
       SELECT i FROM resolved WHERE contact_id IS NULL`,
        values: [json, now, JSON.stringify(defaults.nonActivityEvents), defaults.createContactsOnEvent, externalIds],
      }),
    externalIds.length,
  );
  return missing.rows.map((row) => row.i);
}

interface Pending {
  rows: EventRow[];
  resolve(missing: number[]): void;
  reject(error: unknown): void;
}

/**
 * Coalesces concurrent `ingest` calls: up to `maxInFlight` statements run at once (PostgreSQL uses more than one core),
 * and requests that arrive while all of them are busy wait and go together in the next one (no timer: a lone
 * request is written at once).
 */
export class EventIngestor {
  private queue: Pending[] = [];
  private inFlight = 0;

  constructor(
    private readonly db: Pick<Db, 'query'>,
    private readonly now: () => Promise<Date>,
    private readonly defaults: () => IngestDefaults,
    /** statements in flight at once */
    private readonly maxInFlight = 2,
    /** rows per statement at most; a request is never split */
    private readonly maxRows = 10_000,
  ) {}

  /** Resolves, once committed, with the positions in `rows` whose contact does not exist (those were not stored). */
  ingest(rows: EventRow[]): Promise<number[]> {
    if (!rows.length) return Promise.resolve([]);
    return new Promise<number[]>((resolve, reject) => {
      this.queue.push({ rows, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length) {
      const group: Pending[] = [];
      let size = 0;
      while (this.queue.length && (group.length === 0 || size + this.queue[0].rows.length <= this.maxRows)) {
        const next = this.queue.shift()!;
        group.push(next);
        size += next.rows.length;
      }
      this.inFlight++;
      void this.write(group).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private async write(group: Pending[]): Promise<void> {
    try {
      const missing = await ingestEventRows(
        this.db,
        group.flatMap((p) => p.rows),
        await this.now(),
        this.defaults(),
      );
      const sorted = [...missing].sort((a, b) => a - b);
      let offset = 0;
      let k = 0;
      for (const pending of group) {
        const end = offset + pending.rows.length;
        const mine: number[] = [];
        while (k < sorted.length && sorted[k] < end) mine.push(sorted[k++] - offset);
        pending.resolve(mine);
        offset = end;
      }
    } catch (error) {
      for (const pending of group) pending.reject(error);
    }
  }
}

/**
 * The ingest statement resolved a contact that a concurrent merge deleted before the statement could reference it (it
 * waited on the merge's row lock, then its foreign key found the row gone: 23503). Nothing of the statement stayed;
 * run again, it resolves the id anew — through `contact_external_ids`, onto the contact it was merged into. Deadlocks
 * are retried as always. A contact is merged away once, so a statement naming `ids` external ids meets at most that
 * many such merges: on Citus a statement of a few dozen ids takes a second or more, and aliases arriving meanwhile
 * failed it three times in a row (tests/citus/api.spec.ts).
 */
async function retryOnMergedContact<T>(work: () => Promise<T>, ids: number): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await retryOnDeadlock(work);
    } catch (error) {
      if (attempt > ids + 2 || (error as { code?: string }).code !== '23503') throw error;
      // (on Citus a merge's commit reaches its shards one after another: a moment for the rest of it)
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20));
    }
  }
}

/**
 * Two concurrent flushes touching the same contacts in different orders can deadlock on the last_active_at or
 * journey updates; PostgreSQL aborts one, which is safe to run again (the whole transaction rolled back).
 */
export async function retryOnDeadlock<T>(work: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (attempt >= attempts || (code !== '40P01' && code !== '40001')) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20 * attempt));
    }
  }
}
