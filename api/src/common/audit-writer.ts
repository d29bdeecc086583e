import { Global, Injectable, Module } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export interface AuditRecord {
  actor: string;
  action: string;
  entityType: string;
  entityId: string | null;
  detail?: Record<string, unknown>;
}

/**
 * Writes the audit trail, inside the caller's transaction so a change and its audit row commit together. Every
 * module that changes something records it; only the audit module reads the trail back. It lives in `common/`
 * (which depends on nothing of the app) so that `auth` can record without importing `audit`, whose controller
 * uses `auth`'s access decorator — no folder cycle.
 */
@Injectable()
export class AuditWriter {
  async record(db: EntityManager, entry: AuditRecord): Promise<void> {
    await db.query(`INSERT INTO audit_log (actor, action, entity_type, entity_id, detail) VALUES ($1, $2, $3, $4, $5)`, [
      entry.actor,
      entry.action,
      entry.entityType,
      entry.entityId,
      JSON.stringify(entry.detail ?? {}),
    ]);
  }
}

@Global()
@Module({ providers: [AuditWriter], exports: [AuditWriter] })
export class AuditWriterModule {}
