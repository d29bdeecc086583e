import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { masksPersonalData, Principal } from '../auth/principal';
import { splitBatch, type BatchResult } from '../common/batch';
import { ENGINE_KICK, EngineKick, NOW, NowSource } from '../common/clock';
import { maskDeep } from '../common/masking';
import { APP_CONFIG, type AppConfig } from '../config';
import { decodeCursor, pageOf } from '../common/cursor';
import { ContactItem, contactItem, eventItem, type ListContactEventsQuery, type ListContactsQuery } from './contacts.dto';
import { ContactEventRow, ContactRow, ContactsRepository, ContactUpsert } from './contacts.repository';
import { EventIngestor } from '@boomerang/engine/runtime';
import type { ContactEventView, ContactView } from '@boomerang/engine/core/views/contacts';

@Injectable()
export class ContactsService {
  constructor(
    private readonly contacts: ContactsRepository,
    @Inject(NOW) private readonly clock: NowSource,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'API_STATEMENT_TIMEOUT_MS'>,
  ) {}

  /** Upsert by externalId with merge semantics; items repeated in one batch are merged in order. */
  async upsert(body: unknown): Promise<BatchResult> {
    const { valid, rejected } = splitBatch(body, contactItem);
    const byId = new Map<string, ContactUpsert>();
    for (const { value } of valid) byId.set(value.externalId, fold(byId.get(value.externalId), value));
    if (byId.size > 0) await this.contacts.upsert([...byId.values()], await this.clock.now());
    return { accepted: valid.length, rejected };
  }

  async get(externalId: string, caller: Principal) {
    const contact = await this.contacts.findByExternalId(externalId);
    if (!contact) throw new NotFoundException(`contact "${externalId.slice(0, 200)}" not found`);
    const view = contactView(contact);
    return masksPersonalData(caller) ? { ...view, attributes: maskDeep(view.attributes) } : view;
  }

  /** The contacts page: search and cursor paging; viewers get e-mail addresses and phone numbers masked. */
  async list(query: ListContactsQuery, caller: Principal) {
    const [before] = (decodeCursor(query.cursor, ['number']) ?? [undefined]) as [number | undefined];
    const mask = masksPersonalData(caller);
    const rows = await this.contacts.list({
      q: query.q,
      before,
      limit: query.limit,
      personal: !mask,
      timeoutMs: this.config.API_STATEMENT_TIMEOUT_MS,
    });
    return pageOf(
      rows,
      query.limit,
      (row) => {
        const view = contactView(row);
        return mask ? { ...view, attributes: maskDeep(view.attributes) } : view;
      },
      (row) => [Number(row.id)],
    );
  }

  async events(externalId: string, query: ListContactEventsQuery, caller: Principal) {
    const contact = await this.contacts.findByExternalId(externalId);
    if (!contact) throw new NotFoundException(`contact "${externalId.slice(0, 200)}" not found`);
    const [before] = (decodeCursor(query.cursor, ['number']) ?? [undefined]) as [number | undefined];
    const rows = await this.contacts.events(contact.id, { before, limit: query.limit });
    const mask = masksPersonalData(caller);
    return pageOf(
      rows,
      query.limit,
      (row) => eventView(row, mask),
      (row) => [Number(row.id)],
    );
  }
}

function eventView(row: ContactEventRow, mask: boolean): ContactEventView {
  return {
    id: String(row.id),
    name: row.name,
    occurredAt: row.occurred_at.toISOString(),
    receivedAt: row.received_at.toISOString(),
    isActivity: row.is_activity,
    properties: mask ? maskDeep(row.properties) : row.properties,
  };
}

function fold(previous: ContactUpsert | undefined, item: ContactItem): ContactUpsert {
  const attributes = { ...(previous?.attributes ?? {}) };
  const unset = new Set(previous?.unset ?? []);
  for (const [key, value] of Object.entries(item.attributes ?? {})) {
    if (value === null || value === undefined) {
      delete attributes[key];
      unset.add(key);
    } else {
      attributes[key] = value;
      unset.delete(key);
    }
  }
  return {
    external_id: item.externalId,
    attributes,
    unset: [...unset],
    consent: { ...(previous?.consent ?? {}), ...(item.consent ?? {}) } as Record<string, boolean>,
    timezone: item.timezone ?? previous?.timezone ?? null,
  };
}

export function contactView(contact: ContactRow): ContactView {
  return {
    externalId: contact.external_id,
    timezone: contact.timezone,
    consent: contact.consent,
    attributes: contact.attributes,
    lastActiveAt: contact.last_active_at?.toISOString() ?? null,
    createdAt: contact.created_at.toISOString(),
    updatedAt: contact.updated_at.toISOString(),
  };
}

@Injectable()
export class EventsService {
  constructor(
    private readonly events: EventIngestor,
    @Inject(NOW) private readonly clock: NowSource,
    @Inject(ENGINE_KICK) private readonly engine: EngineKick,
  ) {}

  /**
   * Valid items are stored in one transaction; an event for an unknown contact creates it, unless the workspace
   * setting `createContactsOnEvent` is false, then it is rejected. Waiting journeys of the contacts wake up.
   */
  async ingest(body: unknown): Promise<BatchResult> {
    const { valid, rejected } = splitBatch(body, eventItem);
    if (valid.length === 0) return { accepted: 0, rejected };
    // occurredAt defaults to the engine clock's now (a database read only under CLOCK=virtual)
    const nowIso = valid.every(({ value }) => value.occurredAt) ? '' : (await this.clock.now()).toISOString();
    const rows = valid.map(({ value }) => ({
      e: value.externalId,
      n: value.name,
      t: value.occurredAt ?? nowIso,
      p: value.properties ?? {},
    }));
    const missing = await this.events.ingest(rows);
    if (missing.length > 0) {
      for (const position of missing) {
        const index = valid[position].index;
        rejected.push({
          index,
          error: `[${index}].externalId: unknown contact "${rows[position].e}" (the workspace setting createContactsOnEvent is off)`,
        });
      }
      rejected.sort((a, b) => a.index - b.index);
    }
    this.engine.kick();
    return { accepted: valid.length - missing.length, rejected };
  }
}
