import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { UserRole } from '@boomerang/engine/core/views/auth';

export interface UserRow {
  id: string;
  email: string;
  password_hash: string;
  role: UserRole;
  created_at: Date;
  disabled_at: Date | null;
}

@Injectable()
export class UsersRepository {
  constructor(private readonly dataSource: DataSource) {}

  async findByEmail(email: string): Promise<UserRow | null> {
    const rows: UserRow[] = await this.dataSource.query(`SELECT * FROM users WHERE lower(email) = lower($1)`, [email]);
    return rows[0] ?? null;
  }

  async count(): Promise<number> {
    const [{ n }] = await this.dataSource.query(`SELECT count(*)::int AS n FROM users`);
    return n;
  }

  /** Null when the e-mail is taken (case-insensitively). */
  async insert(db: EntityManager, email: string, passwordHash: string, role: UserRole): Promise<UserRow | null> {
    const rows: UserRow[] = await db.query(
      `INSERT INTO users (email, password_hash, role) VALUES ($1, $2, $3)
       ON CONFLICT ((lower(email))) DO NOTHING RETURNING *`,
      [email, passwordHash, role],
    );
    return rows[0] ?? null;
  }

  /** Inserts only when the table is empty (first start); concurrent starts cannot both create one. */
  async insertFirst(email: string, passwordHash: string): Promise<boolean> {
    const rows = await this.dataSource.query(
      `INSERT INTO users (email, password_hash, role)
       SELECT $1, $2, 'admin' WHERE NOT EXISTS (SELECT 1 FROM users)
       ON CONFLICT DO NOTHING RETURNING id`,
      [email, passwordHash],
    );
    return rows.length > 0;
  }

  /** Role and/or disabled state; a disabled user's sessions stop working at once (the session lookup checks it). */
  async update(
    db: EntityManager,
    id: string,
    patch: { role?: UserRole; disabled?: boolean; passwordHash?: string },
  ): Promise<UserRow | null> {
    // TypeORM answers an UPDATE … RETURNING with [rows, affected]
    const [rows]: [UserRow[], number] = await db.query(
      `UPDATE users SET role = coalesce($2, role),
              disabled_at = CASE WHEN $3::boolean IS NULL THEN disabled_at WHEN $3 THEN coalesce(disabled_at, now()) ELSE NULL END,
              password_hash = coalesce($4, password_hash)
        WHERE id = $1 RETURNING *`,
      [id, patch.role ?? null, patch.disabled ?? null, patch.passwordHash ?? null],
    );
    return rows[0] ?? null;
  }

  /** Admins that can still sign in, other than `except`: the last one must not be disabled or demoted. */
  async otherActiveAdmins(db: EntityManager, except: string): Promise<number> {
    const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM users WHERE role = 'admin' AND disabled_at IS NULL AND id <> $1`, [
      except,
    ]);
    return n;
  }

  list(): Promise<UserRow[]> {
    return this.dataSource.query(`SELECT * FROM users ORDER BY created_at, id`);
  }

  transaction<T>(work: (db: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }
}
