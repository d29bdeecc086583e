import { Controller, Get } from '@nestjs/common';
import { Access, Caller } from '../auth/access.decorator';
import { masksPersonalData, type Principal } from '../auth/principal';
import { maskDeep } from '../common/masking';
import { attributeType, type WorkspaceSchema } from '@boomerang/engine/core/views/contacts';
import { SchemaRepository } from './schema.repository';

const CONTACT_SAMPLE = 5000;
const EVENT_SAMPLE = 100_000;

@Controller('schema')
export class SchemaController {
  constructor(private readonly schema: SchemaRepository) {}

  /** What the editor suggests in rule builders and template variables; viewers get sample values masked. */
  @Access('read')
  @Get()
  async get(@Caller() caller: Principal): Promise<WorkspaceSchema> {
    const [attributes, events] = await Promise.all([this.schema.attributeKeys(CONTACT_SAMPLE), this.schema.eventNames(EVENT_SAMPLE)]);
    const mask = masksPersonalData(caller);
    return {
      attributes: attributes.map((a) => ({
        key: a.key,
        type: attributeType.catch('null').parse(a.type),
        contacts: a.contacts,
        samples: mask ? (maskDeep({ [a.key]: a.samples ?? [] })[a.key] as unknown[]) : (a.samples ?? []),
      })),
      events: events.map((e) => ({ name: e.name, count: e.count, lastAt: new Date(e.last_at).toISOString() })),
      sampled: { contacts: CONTACT_SAMPLE, events: EVENT_SAMPLE },
    };
  }
}
