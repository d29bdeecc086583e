import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface AuditRow {
  id: string;
  at: Date;
  actor: string;
  action: string;
  entity_type: string;
  entity_id: string | null;
  detail: Record<string, unknown>;
}

@Injectable()
export class AuditRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Newest first; `before` is the id of the last row of the previous page. */
  list(filter: { entityType?: string; entityId?: string; before?: number; limit: number }): Promise<AuditRow[]> {
    return this.dataSource.query(
      `SELECT id, at, actor, action, entity_type, entity_id, detail FROM audit_log
        WHERE ($1::text IS NULL OR entity_type = $1) AND ($2::text IS NULL OR entity_id = $2)
          AND ($3::bigint IS NULL OR id < $3)
        ORDER BY id DESC LIMIT $4`,
      [filter.entityType ?? null, filter.entityId ?? null, filter.before ?? null, filter.limit + 1],
    );
  }
}
