import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { UserRole } from './user.entity';

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

  list(): Promise<UserRow[]> {
    return this.dataSource.query(`SELECT * FROM users ORDER BY created_at, id`);
  }

  transaction<T>(work: (db: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }
}
