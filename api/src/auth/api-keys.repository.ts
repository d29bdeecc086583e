import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, IsNull, Repository } from 'typeorm';
import { ApiKeyEntity, ApiKeyScope } from './api-key.entity';
import { hashApiKey } from './api-key-hash';

/**
 * How long a verified key is trusted without asking the database again. Ingestion sends one request per tracked
 * event: the lookup was the largest share of a single-event request. A key revoked in this process is forgotten at
 * once; another API replica honours the revocation within this time.
 */
export const API_KEY_CACHE_MS = 5_000;

/** The name under which the key given in `API_KEY` is stored (the mark that lets a later start revoke it). */
export const ENV_KEY_NAME = 'API_KEY';

@Injectable()
export class ApiKeysRepository {
  private readonly verified = new Map<string, { key: ApiKeyEntity; until: number }>();

  constructor(@InjectRepository(ApiKeyEntity) private readonly keys: Repository<ApiKeyEntity>) {}

  async findActiveByPlaintext(plaintext: string): Promise<ApiKeyEntity | null> {
    const keyHash = hashApiKey(plaintext);
    const cached = this.verified.get(keyHash);
    if (cached && cached.until > Date.now()) return cached.key;
    const key = await this.keys.findOneBy({ keyHash, revokedAt: IsNull() });
    if (this.verified.size > 1000) this.verified.clear();
    if (key) this.verified.set(keyHash, { key, until: Date.now() + API_KEY_CACHE_MS });
    else this.verified.delete(keyHash);
    return key;
  }

  countActiveWithScope(scope: ApiKeyScope): Promise<number> {
    return this.keys.createQueryBuilder('k').where('k.revoked_at IS NULL AND :scope = ANY(k.scopes)', { scope }).getCount();
  }

  async insert(name: string, plaintext: string, scopes: ApiKeyScope[]): Promise<ApiKeyEntity> {
    return this.keys.save(this.keys.create({ name, prefix: plaintext.slice(0, 8), keyHash: hashApiKey(plaintext), scopes }));
  }

  /** Inside the caller's transaction (key creation and its audit row commit together). */
  async insertIn(db: EntityManager, name: string, plaintext: string, scopes: ApiKeyScope[]): Promise<ApiKeyEntity> {
    const repository = db.getRepository(ApiKeyEntity);
    return repository.save(repository.create({ name, prefix: plaintext.slice(0, 8), keyHash: hashApiKey(plaintext), scopes }));
  }

  list(): Promise<ApiKeyEntity[]> {
    return this.keys.find({ where: { revokedAt: IsNull() }, order: { createdAt: 'ASC' } });
  }

  async revoke(db: EntityManager, id: string, at: Date): Promise<ApiKeyEntity | null> {
    const key = await db.getRepository(ApiKeyEntity).findOneBy({ id, revokedAt: IsNull() });
    if (!key) return null;
    await db.getRepository(ApiKeyEntity).update({ id }, { revokedAt: at });
    this.verified.clear();
    return key;
  }

  /**
   * Revokes the active keys that came from the `API_KEY` variable (stored under that name), except `keepPlaintext`:
   * a key removed from the environment, or replaced there, stops working at the next start.
   */
  async revokeEnvKeys(keepPlaintext: string | null, at: Date): Promise<number> {
    const query = this.keys
      .createQueryBuilder()
      .update(ApiKeyEntity)
      .set({ revokedAt: at })
      .where('name = :name AND revoked_at IS NULL', { name: ENV_KEY_NAME });
    if (keepPlaintext) query.andWhere('key_hash <> :hash', { hash: hashApiKey(keepPlaintext) });
    const result = await query.execute();
    this.verified.clear();
    return result.affected ?? 0;
  }

  transaction<T>(work: (db: EntityManager) => Promise<T>): Promise<T> {
    return this.keys.manager.transaction(work);
  }

  async touch(id: string, at: Date): Promise<void> {
    await this.keys.update({ id }, { lastUsedAt: at });
  }
}
