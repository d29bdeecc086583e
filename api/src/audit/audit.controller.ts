import { Controller, Get, Query } from '@nestjs/common';
import { Access } from '../auth/access.decorator';
import { decodeCursor, Page, pageOf } from '../common/cursor';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import { auditQuery, AuditQuery } from './audit.dto';
import { AuditRepository, AuditRow } from './audit.repository';
import type { AuditEntryView } from '@boomerang/engine/core/views/auth';

@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditRepository) {}

  /** Who changed what and when: flow changes, activations, pauses, archives, API keys and users. Admins only. */
  @Access('admin')
  @Get()
  async list(@Query(new ZodValidationPipe(auditQuery)) query: AuditQuery): Promise<Page<unknown>> {
    const [before] = (decodeCursor(query.cursor, ['number']) ?? [undefined]) as [number | undefined];
    const rows = await this.audit.list({ entityType: query.entityType, entityId: query.entityId, before, limit: query.limit });
    return pageOf(rows, query.limit, view, (row) => [Number(row.id)]);
  }
}

function view(row: AuditRow): AuditEntryView {
  return {
    id: String(row.id),
    at: row.at.toISOString(),
    actor: row.actor,
    action: row.action,
    entityType: row.entity_type,
    entityId: row.entity_id,
    detail: row.detail,
  };
}
