import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { ApiKeyEntity, ApiKeyScope } from './api-key.entity';
import { hashApiKey } from './api-key-hash';

@Injectable()
export class ApiKeysRepository {
  constructor(@InjectRepository(ApiKeyEntity) private readonly keys: Repository<ApiKeyEntity>) {}

  findActiveByPlaintext(plaintext: string): Promise<ApiKeyEntity | null> {
    return this.keys.findOneBy({ keyHash: hashApiKey(plaintext), revokedAt: IsNull() });
  }

  countActiveWithScope(scope: ApiKeyScope): Promise<number> {
    return this.keys
      .createQueryBuilder('k')
      .where('k.revoked_at IS NULL AND :scope = ANY(k.scopes)', { scope })
      .getCount();
  }

  async insert(name: string, plaintext: string, scopes: ApiKeyScope[]): Promise<ApiKeyEntity> {
    return this.keys.save(
      this.keys.create({ name, prefix: plaintext.slice(0, 8), keyHash: hashApiKey(plaintext), scopes }),
    );
  }

  async touch(id: string, at: Date): Promise<void> {
    await this.keys.update({ id }, { lastUsedAt: at });
  }
}
