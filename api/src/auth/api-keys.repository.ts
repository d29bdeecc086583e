import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { ApiKeyScope } from '@boomerang/engine/core/views/auth';
import { apiKeyPrefix, hashApiKey } from './api-key-hash';

/** A row of `api_keys`. Keys are stored as SHA-256 hashes; `prefix` (first characters) lets people tell keys apart. */
export interface ApiKeyRow {
  id: string;
  name: string;
  prefix: string;
  key_hash: string;
  scopes: ApiKeyScope[];
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

/**
 * How long a verified key is trusted without asking the database again. Ingestion sends one request per tracked
 * event: the lookup was the largest share of a single-event request. A key revoked in this process is forgotten at
 * once; another API replica honours the revocation within this time.
 */
export const API_KEY_CACHE_MS = 5_000;

/** The name under which the key given in `API_KEY` is stored (the mark that lets a later start revoke it). */
export const ENV_KEY_NAME = 'API_KEY';

const INSERT = `INSERT INTO api_keys (name, prefix, key_hash, scopes) VALUES ($1, $2, $3, $4) RETURNING *`;
const insertParams = (name: string, plaintext: string, scopes: ApiKeyScope[]) => [
  name,
  apiKeyPrefix(plaintext),
  hashApiKey(plaintext),
  scopes,
];

@Injectable()
export class ApiKeysRepository {
  private readonly verified = new Map<string, { key: ApiKeyRow; until: number }>();

  constructor(private readonly dataSource: DataSource) {}

  async findActiveByPlaintext(plaintext: string): Promise<ApiKeyRow | null> {
    const keyHash = hashApiKey(plaintext);
    const cached = this.verified.get(keyHash);
    if (cached && cached.until > Date.now()) return cached.key;
    const [key]: (ApiKeyRow | undefined)[] = await this.dataSource.query(
      `SELECT * FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL`,
      [keyHash],
    );
    if (this.verified.size > 1000) this.verified.clear();
    if (key) this.verified.set(keyHash, { key, until: Date.now() + API_KEY_CACHE_MS });
    else this.verified.delete(keyHash);
    return key ?? null;
  }

  /** A key stored before `apiKeyPrefix` showed the first characters of an operator's secret: show its fingerprint. */
  async refreshPrefix(plaintext: string): Promise<void> {
    await this.dataSource.query(`UPDATE api_keys SET prefix = $2 WHERE key_hash = $1 AND prefix <> $2`, [
      hashApiKey(plaintext),
      apiKeyPrefix(plaintext),
    ]);
  }

  async countActiveWithScope(scope: ApiKeyScope): Promise<number> {
    const [{ n }]: { n: number }[] = await this.dataSource.query(
      `SELECT count(*)::int AS n FROM api_keys WHERE revoked_at IS NULL AND $1 = ANY(scopes)`,
      [scope],
    );
    return n;
  }

  async insert(name: string, plaintext: string, scopes: ApiKeyScope[]): Promise<ApiKeyRow> {
    const [key]: ApiKeyRow[] = await this.dataSource.query(INSERT, insertParams(name, plaintext, scopes));
    return key;
  }

  /** Inside the caller's transaction (key creation and its audit row commit together). */
  async insertIn(db: EntityManager, name: string, plaintext: string, scopes: ApiKeyScope[]): Promise<ApiKeyRow> {
    const [key]: ApiKeyRow[] = await db.query(INSERT, insertParams(name, plaintext, scopes));
    return key;
  }

  list(): Promise<ApiKeyRow[]> {
    return this.dataSource.query(`SELECT * FROM api_keys WHERE revoked_at IS NULL ORDER BY created_at, id`);
  }

  /** The key as it was before the revocation; null when there is no such active key. */
  async revoke(db: EntityManager, id: string, at: Date): Promise<ApiKeyRow | null> {
    // TypeORM answers an UPDATE … RETURNING with [rows, affected]
    const [rows]: [ApiKeyRow[], number] = await db.query(
      `UPDATE api_keys SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL RETURNING *`,
      [id, at],
    );
    this.verified.clear();
    return rows[0] ?? null;
  }

  /**
   * Revokes the active keys that came from the `API_KEY` variable (stored under that name), except `keepPlaintext`:
   * a key removed from the environment, or replaced there, stops working at the next start.
   */
  async revokeEnvKeys(keepPlaintext: string | null, at: Date): Promise<number> {
    const [, affected]: [unknown[], number] = await this.dataSource.query(
      `UPDATE api_keys SET revoked_at = $1
        WHERE name = $2 AND revoked_at IS NULL AND ($3::text IS NULL OR key_hash <> $3)`,
      [at, ENV_KEY_NAME, keepPlaintext ? hashApiKey(keepPlaintext) : null],
    );
    this.verified.clear();
    return affected;
  }

  transaction<T>(work: (db: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }
}
