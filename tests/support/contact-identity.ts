/**
 * Scenarios over contacts' external ids (issue 23's lookup table, `contact_external_ids`), run alike on plain
 * PostgreSQL (tests/integration/contact-external-ids.spec.ts) and on the Citus cluster (tests/citus/ingest.spec.ts).
 */
import type { Pool } from 'pg';
import type { ContactsRepository } from '../../api/src/contacts/contacts.repository';
import { ingestEventRows, mergeContacts, type EventRow } from '@boomerang/engine/runtime';

export const T0 = new Date('2026-03-02T12:00:00Z');
export const ingestDefaults = { createContactsOnEvent: true, nonActivityEvents: ['page'] };

/** A deterministic shuffle (mulberry32): each ingester names the ids in its own order. */
function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  const random = () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/**
 * Every ingester names every id once, in its own order, in batches of `batch`, all ingesters at once; each event has
 * its own message id. Resolves with the events sent.
 */
export async function raceOnNewIds(ingesters: Pool[], ids: string[], batch: number): Promise<number> {
  await Promise.all(
    ingesters.map(async (db, n) => {
      const order = shuffled(ids, n + 1);
      for (let at = 0; at < order.length; at += batch) {
        const rows: EventRow[] = order.slice(at, at + batch).map((e) => ({
          e,
          n: 'app_open',
          t: T0.toISOString(),
          p: { by: n },
          m: `${e}-by-${n}`,
        }));
        const missing = await ingestEventRows(db, rows, T0, ingestDefaults);
        if (missing.length) throw new Error(`ingester ${n}: ${missing.length} events reported missing`);
      }
    }),
  );
  return ingesters.length * ids.length;
}

export interface IdentityCounts {
  contacts: number;
  /** external ids held by more than one contact */
  doubled: string[];
  /** lookup rows whose contact does not exist, or contacts without a lookup row for their own id */
  dangling: number;
  events: number;
}

export async function identityCounts(db: Pool): Promise<IdentityCounts> {
  // (each count its own statement: on Citus the lookup and contacts are sharded by different columns)
  const one = async (text: string) => (await db.query<{ n: number }>(text)).rows[0].n;
  const ids = (await db.query<{ external_id: string; id: string }>(`SELECT external_id, id::text FROM contacts`)).rows;
  const lookup = (
    await db.query<{ external_id: string; contact_id: string }>(`SELECT external_id, contact_id::text FROM contact_external_ids`)
  ).rows;
  const contactIds = new Set(ids.map((c) => c.id));
  const claimed = new Map(lookup.map((l) => [l.external_id, l.contact_id]));
  const seen = new Map<string, number>();
  for (const c of ids) seen.set(c.external_id, (seen.get(c.external_id) ?? 0) + 1);
  return {
    contacts: ids.length,
    doubled: [...seen].filter(([, n]) => n > 1).map(([id]) => id),
    dangling: lookup.filter((l) => !contactIds.has(l.contact_id)).length + ids.filter((c) => claimed.get(c.external_id) !== c.id).length,
    events: await one(`SELECT count(*)::int AS n FROM events`),
  };
}

export interface MergePair {
  from: string;
  into: string;
  /** the journey of a flow only the merged contact was in (moves) */
  ownJourney: string;
  /** the merged contact's live journey in a flow where the kept contact has one too (exits, then moves) */
  clashingJourney: string;
}

/**
 * Two contacts made by the ingest statement ('anon', 'known'), each with a live journey in one flow, and 'anon' with
 * a journey of its own, log rows, a message, an inbox row and a topic choice.
 */
export async function seedMergePair(db: Pool): Promise<MergePair> {
  await ingestEventRows(
    db,
    [
      { e: 'anon', n: 'page', t: T0.toISOString(), p: {}, m: 'anon-page' },
      { e: 'known', n: 'signed_in', t: new Date(T0.getTime() + 60_000).toISOString(), p: {}, m: 'known-in' },
    ],
    T0,
    ingestDefaults,
  );
  const ids = new Map(
    (
      await db.query<{ external_id: string; id: string }>(
        `SELECT external_id, id::text FROM contacts WHERE external_id IN ('anon', 'known')`,
      )
    ).rows.map((r) => [r.external_id, r.id]),
  );
  const anon = ids.get('anon')!;
  const known = ids.get('known')!;
  const flows: string[] = [];
  for (const name of ['own', 'shared']) {
    const { rows } = await db.query<{ id: string }>(`INSERT INTO flows (name, status) VALUES ($1, 'active') RETURNING id`, [name]);
    await db.query(`INSERT INTO flow_versions (flow_id, version, graph) VALUES ($1, 1, '{}')`, [rows[0].id]);
    flows.push(rows[0].id);
  }
  const journey = async (flow: string, contact: string, state: string) =>
    (
      await db.query<{ id: string }>(
        `INSERT INTO journeys (flow_id, flow_version, contact_id, state, current_node_id, entered_at, next_run_at)
         VALUES ($1, 1, $2, $3, 'd', $4, $5) RETURNING id`,
        [flow, contact, state, T0, state === 'waiting' ? new Date(T0.getTime() + 86_400_000) : null],
      )
    ).rows[0].id;
  const ownJourney = await journey(flows[0], anon, 'completed');
  const clashingJourney = await journey(flows[1], anon, 'waiting');
  await journey(flows[1], known, 'waiting');
  await db.query(
    `INSERT INTO journey_log (journey_id, contact_id, at, node_id, kind) VALUES ($1, $2, $3, 't', 'entered'), ($1, $2, $3, 'm', 'message')`,
    [ownJourney, anon, T0],
  );
  await db.query(
    `INSERT INTO messages (idempotency_key, journey_id, flow_id, flow_version, contact_id, node_id, channel, content, created_at)
     VALUES ('k-own', $1, $2, 1, $3, 'm', 'push', '{}', $4)`,
    [ownJourney, flows[0], anon, T0],
  );
  await db.query(
    `INSERT INTO trigger_inbox (flow_id, contact_id, event_id, event_name, occurred_at, received_at) VALUES ($1, $2, 1, 'page', $3, $3)`,
    [flows[0], anon, T0],
  );
  await db.query(`INSERT INTO topics (key, name) VALUES ('offers', 'Offers') ON CONFLICT DO NOTHING`);
  await db.query(
    `INSERT INTO contact_topics (contact_id, topic, channel, subscribed, updated_at) VALUES ($1, 'offers', 'email', false, $2)`,
    [anon, T0],
  );
  return { from: anon, into: known, ownJourney, clashingJourney };
}

/** Rows per per-contact table held by `contactId`. */
export async function rowsOf(db: Pool, contactId: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of ['events', 'journeys', 'journey_log', 'messages', 'trigger_inbox', 'contact_topics']) {
    const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE contact_id = $1`, [contactId]);
    counts[table] = rows[0].n;
  }
  return counts;
}

/**
 * Merges 'anon' into 'known' (seedMergePair), then sends an event under 'anon', and describes where everything is:
 * `expectedMerge` is what both databases must show.
 */
export async function mergeAndDescribe(db: Pool, pair: MergePair) {
  const outcome = await mergeContacts(db, 'anon', 'known', T0);
  await ingestEventRows(db, [{ e: 'anon', n: 'page', t: T0.toISOString(), p: {}, m: 'anon-late' }], T0, ingestDefaults);
  const journeys = await db.query<{ id: string; contact_id: string; state: string }>(
    `SELECT id, contact_id::text, state FROM journeys WHERE id = ANY ($1::uuid[]) ORDER BY state`,
    [[pair.ownJourney, pair.clashingJourney]],
  );
  const lookup = await db.query<{ external_id: string; contact_id: string }>(
    `SELECT external_id, contact_id::text FROM contact_external_ids WHERE external_id IN ('anon', 'known') ORDER BY external_id`,
  );
  return {
    outcome,
    from: await rowsOf(db, pair.from),
    into: await rowsOf(db, pair.into),
    journeys: journeys.rows,
    lookup: lookup.rows,
    contacts: (await db.query(`SELECT external_id FROM contacts WHERE external_id IN ('anon', 'known')`)).rows,
  };
}

export function expectedMerge(pair: MergePair): Awaited<ReturnType<typeof mergeAndDescribe>> {
  const none = { events: 0, journeys: 0, journey_log: 0, messages: 0, trigger_inbox: 0, contact_topics: 0 };
  return {
    outcome: 'merged',
    from: none,
    // events: anon's page, known's sign-in, the late page; log: two of the own journey's, one of the clash's exit
    into: { events: 3, journeys: 3, journey_log: 3, messages: 1, trigger_inbox: 1, contact_topics: 1 },
    journeys: [
      { id: pair.ownJourney, contact_id: pair.into, state: 'completed' },
      { id: pair.clashingJourney, contact_id: pair.into, state: 'exited' },
    ],
    lookup: [
      { external_id: 'anon', contact_id: pair.into },
      { external_id: 'known', contact_id: pair.into },
    ],
    contacts: [{ external_id: 'known' }],
  };
}

/**
 * The contacts API's upsert (and CSV imports: the same statement) naming new ids while an ingester names them too,
 * then updating them (a key set, a key removed), and one more time under an id merged away: it reaches the contact
 * the id leads to. Resolves with each contact's attributes, consent and timezone by externalId.
 */
export async function upsertRacingIngest(contacts: ContactsRepository, ingester: Pool, ids: string[]) {
  const row = (external_id: string, attributes: Record<string, unknown>, unset: string[] = []) => ({
    external_id,
    attributes,
    unset,
    consent: { email: true },
    timezone: 'Europe/Paris',
  });
  await Promise.all([
    contacts.upsert(
      ids.map((id) => row(id, { plan: 'pro', tier: 1 })),
      T0,
    ),
    raceOnNewIds([ingester], ids, 25),
  ]);
  await contacts.upsert(
    ids.map((id) => row(id, { seen: true }, ['tier'])),
    T0,
  );
  await mergeContacts(ingester, ids[0], ids[1], T0);
  await contacts.upsert([row(ids[0], { merged: 'via old id' })], T0);
  const { rows } = await ingester.query<{ external_id: string; attributes: Record<string, unknown>; consent: unknown; timezone: string }>(
    `SELECT external_id, attributes, consent, timezone FROM contacts`,
  );
  return Object.fromEntries(rows.map(({ external_id, ...rest }) => [external_id, rest]));
}

export function expectedUpserts(ids: string[]): Awaited<ReturnType<typeof upsertRacingIngest>> {
  const contact = (attributes: Record<string, unknown>) => ({ attributes, consent: { email: true }, timezone: 'Europe/Paris' });
  return Object.fromEntries([
    [ids[1], contact({ plan: 'pro', seen: true, merged: 'via old id' })],
    ...ids.slice(2).map((id) => [id, contact({ plan: 'pro', seen: true })]),
  ]);
}
