import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { UserRole } from '@boomerang/engine/core/views/auth';

export interface SessionUser {
  id: string;
  email: string;
  role: UserRole;
  expires_at: Date;
}

/** Sessions are stored as the SHA-256 of their token; the token itself is only ever in the client's hands. */
@Injectable()
export class SessionsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(tokenHash: string, userId: string, expiresAt: Date): Promise<void> {
    await this.dataSource.query(`INSERT INTO sessions (token_hash, user_id, expires_at) VALUES ($1, $2, $3)`, [
      tokenHash,
      userId,
      expiresAt,
    ]);
  }

  async findUser(tokenHash: string): Promise<SessionUser | null> {
    const rows: SessionUser[] = await this.dataSource.query(
      `SELECT u.id, u.email, u.role, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id
        WHERE s.token_hash = $1 AND s.expires_at > now() AND u.disabled_at IS NULL`,
      [tokenHash],
    );
    return rows[0] ?? null;
  }

  /** Ends every session of a user at once (an admin's revocation); answers how many there were. */
  async deleteAllOf(db: EntityManager, userId: string): Promise<number> {
    const [, count]: [unknown, number] = await db.query(`DELETE FROM sessions WHERE user_id = $1`, [userId]);
    return count;
  }

  async delete(tokenHash: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM sessions WHERE token_hash = $1 OR expires_at < now()`, [tokenHash]);
  }
}
