import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

@Injectable()
export class TrackingRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** First click wins the timestamp (a click implies an open); returns the message's url, or null if unknown. */
  async click(id: string, at: Date): Promise<{ url: string | null } | null> {
    const [rows]: [{ url: string | null }[], number] = await this.dataSource.query(
      `UPDATE messages SET clicked_at = coalesce(clicked_at, $2), opened_at = coalesce(opened_at, $2)
        WHERE id = $1 RETURNING content->>'url' AS url`,
      [id, at],
    );
    return rows[0] ?? null;
  }

  async open(id: string, at: Date): Promise<boolean> {
    const [, count]: [unknown, number] = await this.dataSource.query(
      `UPDATE messages SET opened_at = coalesce(opened_at, $2) WHERE id = $1`,
      [id, at],
    );
    return count > 0;
  }

  /** The contact's consent for the message's channel becomes false, in one statement; returns the channel. */
  async unsubscribe(id: string, at: Date): Promise<string | null> {
    const rows: { channel: string }[] = await this.dataSource.query(
      `WITH m AS (
         UPDATE messages SET unsubscribed_at = coalesce(unsubscribed_at, $2) WHERE id = $1
         RETURNING contact_id, channel),
       c AS (
         UPDATE contacts c SET consent = c.consent || jsonb_build_object(m.channel, false), updated_at = now()
           FROM m WHERE c.id = m.contact_id RETURNING 1)
       SELECT channel FROM m`,
      [id, at],
    );
    return rows[0]?.channel ?? null;
  }
}
