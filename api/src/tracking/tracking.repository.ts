import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { ENGINE_DB } from '../engine/engine.tokens';

/** What the tracking links read besides the engine's `store/messages.ts` writes. */
@Injectable()
export class TrackingRepository {
  constructor(@Inject(ENGINE_DB) private readonly db: Pool) {}

  /**
   * The url templates a message could have been rendered from: its node's `template.url` and every locale variant's,
   * in the flow version the message was sent from.
   */
  async urlTemplatesOf(messageId: string): Promise<string[]> {
    const result = await this.db.query<{ url: unknown; locales: Record<string, { url?: unknown }> | null }>(
      `SELECT n -> 'data' -> 'template' -> 'url' AS url, n -> 'data' -> 'locales' AS locales
         FROM messages m
         JOIN flow_versions v ON v.flow_id = m.flow_id AND v.version = m.flow_version
         CROSS JOIN LATERAL jsonb_array_elements(v.graph -> 'nodes') n
        WHERE m.id = $1 AND n ->> 'id' = m.node_id`,
      [messageId],
    );
    const row = result.rows[0];
    if (!row) return [];
    const variants = Object.values(row.locales ?? {}).map((v) => v?.url);
    return [row.url, ...variants].filter((u): u is string => typeof u === 'string');
  }
}
