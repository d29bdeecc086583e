import { HttpException, Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { EventIngestor, mergeContacts, type EventRow } from '@boomerang/engine/runtime';
import { Authenticator } from '../auth/authenticator';
import type { Rejected } from '../common/batch';
import { ENGINE_KICK, EngineKick, NOW, NowSource } from '../common/clock';
import { findUnstorable } from '../common/storable-json';
import { fieldErrors, summarize } from '../common/zod-errors';
import { ContactsService } from '../contacts/contacts.service';
import { ENGINE_DB } from '../engine/engine.tokens';
import { updatePreferencesBody, type UpdatePreferencesBody } from '../topics/topics.dto';
import { TopicsService } from '../topics/topics.service';
import { mapMessage, MAX_MESSAGE_BYTES, segmentMessage, type Mapped, type SegmentType } from './segment-mapping';

/** Segment's limit of messages in one batch. */
export const MAX_BATCH_MESSAGES = 2_500;

/** What the tracking API answers: Segment's `{success}` plus what was taken and what was not (index in the batch). */
export interface SegmentAnswer {
  status: number;
  body: { success: boolean; message?: string; accepted?: number; rejected?: Rejected[] };
}

const refuse = (status: number, message: string): SegmentAnswer => ({ status, body: { success: false, message } });

/** The write key: HTTP Basic `base64(key + ":")` (what the SDKs send), `Bearer <key>`, or `writeKey` in the body. */
export function writeKeyOf(authorization: string | undefined, body: unknown): string | undefined {
  const basic = authorization && /^Basic\s+(\S+)$/i.exec(authorization)?.[1];
  if (basic) {
    const decoded = Buffer.from(basic, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const key = colon < 0 ? decoded : decoded.slice(0, colon);
    if (key) return key;
  }
  const bearer = authorization && /^Bearer\s+(\S+)$/i.exec(authorization)?.[1];
  if (bearer) return bearer;
  const fromBody = (body as { writeKey?: unknown } | null)?.writeKey;
  return typeof fromBody === 'string' && fromBody ? fromBody : undefined;
}

/**
 * Segment's HTTP Tracking API on Boomerang's own ingestion: contacts through `ContactsService.upsert` (the contacts
 * API's validation and merge), anonymous → known merges through the engine's `mergeContacts`, events through the
 * `EventIngestor` (one ingest statement with the trigger inbox, `messageId` deduplicated in it).
 */
@Injectable()
export class SegmentService {
  constructor(
    private readonly authenticator: Authenticator,
    private readonly contacts: ContactsService,
    private readonly events: EventIngestor,
    @Inject(ENGINE_DB) private readonly db: Pool,
    @Inject(NOW) private readonly clock: NowSource,
    @Inject(ENGINE_KICK) private readonly engine: EngineKick,
    private readonly topics: TopicsService,
  ) {}

  /** The caller's write key must be an active API key with the `ingest` permission; null when it is. */
  async authorize(writeKey: string | undefined): Promise<SegmentAnswer | null> {
    if (!writeKey) return refuse(401, 'a write key is required: HTTP Basic base64(key + ":") or "writeKey" in the body');
    try {
      // the guard's own check, with the write key as the bearer credential
      const principal = await this.authenticator.authenticate({ authorization: `Bearer ${writeKey}` });
      if (principal.kind !== 'key') return refuse(401, 'the write key must be an API key');
      this.authenticator.authorize(principal, 'ingest');
      return null;
    } catch (error) {
      if (error instanceof HttpException) return refuse(error.getStatus(), error.message);
      throw error;
    }
  }

  /** One call: `kind` is the message type of a single call, or `batch`. The body is parsed JSON; the caller is authorized. */
  async receive(kind: SegmentType | 'batch', body: unknown): Promise<SegmentAnswer> {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return refuse(400, 'body: expected a JSON object');
    const envelope = body as { batch?: unknown; sentAt?: unknown };
    let raw: unknown[];
    if (kind === 'batch') {
      if (!Array.isArray(envelope.batch)) return refuse(400, 'batch: expected an array of messages');
      if (envelope.batch.length > MAX_BATCH_MESSAGES)
        return refuse(400, `batch: at most ${MAX_BATCH_MESSAGES} messages (got ${envelope.batch.length}); split it`);
      raw = envelope.batch;
    } else {
      raw = [{ ...body, type: kind }];
    }
    const receivedAt = await this.clock.now();
    const batchSentAt = typeof envelope.sentAt === 'string' ? envelope.sentAt : undefined;
    const rejected: Rejected[] = [];
    const mapped: { index: number; value: Mapped }[] = [];
    const seen = new Set<string>();
    raw.forEach((item, index) => {
      const result = this.check(item, index, receivedAt, batchSentAt);
      if (typeof result === 'string') return void rejected.push({ index, error: result });
      // a messageId repeated within the batch is the same message (stored once, like a retry)
      if (result.messageId) {
        if (seen.has(result.messageId)) return;
        seen.add(result.messageId);
      }
      mapped.push({ index, value: result });
    });
    const screened = await this.screenSubscriptions(mapped, rejected);
    if (kind !== 'batch' && rejected.length) return refuse(400, rejected[0].error.replace(/^\[0\]\.?/, ''));
    await this.store(screened, rejected);
    rejected.sort((a, b) => a.index - b.index);
    const rejectedIndexes = new Set(rejected.map((r) => r.index));
    return { status: 200, body: { success: true, accepted: raw.length - rejectedIndexes.size, rejected } };
  }

  /** The message mapped, or the reason it is refused. */
  private check(item: unknown, index: number, receivedAt: Date, batchSentAt?: string): Mapped | string {
    // Segment's 32 KB a message, measured on what is stored (properties, traits): the rest is bounded by the schema
    // or thrown away, and a whole batch by its 500 KB (stringifying every message cost 10 % of a batch's CPU)
    const size = storedBytes(item);
    if (size > MAX_MESSAGE_BYTES) return `[${index}]: ${size} bytes, over Segment's ${MAX_MESSAGE_BYTES / 1024} KB limit for one message`;
    const unstorable = findUnstorable(item, [index]);
    if (unstorable) return unstorable.message;
    const parsed = segmentMessage.safeParse(item);
    if (!parsed.success) return summarize(fieldErrors(parsed.error.issues, [index]));
    try {
      return mapMessage(parsed.data, receivedAt, batchSentAt);
    } catch (error) {
      return `[${index}].${(error as Error).message}`;
    }
  }

  /** identify's `traits.subscriptions` must be `PUT /api/contacts/:id/preferences`'s `topics`, naming existing topics. */
  private async screenSubscriptions(
    items: { index: number; value: Mapped }[],
    rejected: Rejected[],
  ): Promise<{ index: number; value: Mapped }[]> {
    if (!items.some(({ value }) => value.subscriptions !== undefined)) return items;
    const known = new Set((await this.topics.list()).items.map((t) => t.key));
    return items.filter(({ index, value }) => {
      if (value.subscriptions === undefined) return true;
      const parsed = updatePreferencesBody.shape.topics.safeParse(value.subscriptions);
      const unknown = parsed.success ? Object.keys(parsed.data).filter((k) => !known.has(k)) : [];
      const error = !parsed.success
        ? summarize(fieldErrors(parsed.error.issues, [index, 'traits', 'subscriptions']))
        : unknown.length
          ? `[${index}].traits.subscriptions: unknown topic ${unknown.map((k) => `"${k}"`).join(', ')}`
          : null;
      if (error) rejected.push({ index, error });
      else value.subscriptions = parsed.data;
      return !error;
    });
  }

  private async store(items: { index: number; value: Mapped }[], rejected: Rejected[]): Promise<void> {
    if (!items.length) return;
    const now = await this.clock.now();
    // (1) who is who: a contact named by a merge in this batch (an anonymousId now identified) is the known one for
    // every message of the batch, so a visitor's first events land on the known contact without a merge at all
    const renamed = new Map<string, string>();
    for (const { value } of items) for (const from of value.mergeFrom ?? []) renamed.set(from, value.externalId);
    const resolve = (id: string) => {
      for (let hops = 0; renamed.has(id) && hops < 10; hops++) id = renamed.get(id)!;
      return id;
    };
    // (2) merges of contacts stored before (one transaction each; most find nothing to merge: one query for all)
    const sources = [...renamed.keys()];
    if (sources.length) {
      const { rows } = await this.db.query<{ external_id: string }>(
        `SELECT external_id FROM contacts WHERE external_id = ANY($1::text[])`,
        [sources],
      );
      for (const { external_id } of rows) {
        const into = resolve(external_id);
        if (into !== external_id) await mergeContacts(this.db, external_id, into, now);
      }
    }
    // (2b) an id merged away before this call (an anonymousId identified earlier) leads to the contact it was merged
    // into (`contact_external_ids`: an id that is not its contact's own name): its traits and choices go there, not
    // onto a new anonymous contact. Events follow it in the ingest statement itself: a track-only call costs no
    // query here. (The ids are looked up first, the contacts by id after: on Citus the two tables are sharded by
    // different columns, and each statement then goes to the shards of its own ids.)
    const changes = items.filter(({ value }) => value.contact);
    const withChoices = items.filter(({ value }) => value.subscriptions !== undefined);
    const unresolved = [...new Set([...changes, ...withChoices].map(({ value }) => resolve(value.externalId)))];
    if (unresolved.length) {
      const { rows } = await this.db.query<{ external_id: string; into: string }>(
        `WITH known AS (SELECT external_id, contact_id FROM contact_external_ids WHERE external_id = ANY ($1::text[]))
         SELECT k.external_id, c.external_id AS into
           FROM known k JOIN contacts c ON c.id = k.contact_id AND c.external_id <> k.external_id
          WHERE c.id = ANY (ARRAY(SELECT contact_id FROM known))`,
        [unresolved],
      );
      for (const r of rows) renamed.set(r.external_id, r.into);
    }
    // (3) contact changes, through the contacts API's schema and merge
    const failedContacts = new Set<number>();
    if (changes.length) {
      const result = await this.contacts.upsert(
        changes.map(({ value }) => ({ ...value.contact!, externalId: resolve(value.contact!.externalId) })),
      );
      for (const r of result.rejected) {
        const index = changes[r.index].index;
        failedContacts.add(index);
        rejected.push({ index, error: r.error.replace(/^\[\d+\]/, `[${index}]`) });
      }
    }
    // (3b) topic choices from identify's traits.subscriptions (screened before anything was stored)
    for (const { index, value } of items) {
      if (value.subscriptions === undefined || failedContacts.has(index)) continue;
      await this.topics.updatePreferences(resolve(value.externalId), { topics: value.subscriptions as UpdatePreferencesBody['topics'] });
    }
    // (4) events: one ingest statement (with the trigger inbox), messageIds stored once
    const withEvents = items.filter(({ index, value }) => value.event && !failedContacts.has(index));
    if (withEvents.length) {
      const rows: EventRow[] = withEvents.map(({ value }) => ({
        e: resolve(value.externalId),
        n: value.event!.name,
        t: value.event!.occurredAt,
        p: value.event!.properties,
        ...(value.messageId ? { m: value.messageId } : {}),
      }));
      const missing = await this.events.ingest(rows);
      for (const position of missing) {
        const index = withEvents[position].index;
        rejected.push({
          index,
          error: `[${index}]: unknown contact "${rows[position].e}" (the workspace setting createContactsOnEvent is off)`,
        });
      }
    }
    this.engine.kick();
  }
}

/** Bytes of the JSON a message would store: its properties and traits. */
function storedBytes(item: unknown): number {
  if (typeof item !== 'object' || item === null) return 0;
  const { properties, traits } = item as { properties?: unknown; traits?: unknown };
  return (
    (properties == null ? 0 : Buffer.byteLength(JSON.stringify(properties))) +
    (traits == null ? 0 : Buffer.byteLength(JSON.stringify(traits)))
  );
}
