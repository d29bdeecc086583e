import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ApiKeysRepository } from './api-keys.repository';
import { generateApiKey } from './api-key-hash';

export interface BootstrapKeyResult {
  /** the plaintext admin key when this process knows it (env or the local key file), else null */
  key: string | null;
  source: 'env' | 'generated' | 'stored' | 'unknown';
}

/**
 * `API_KEY` set → make sure it is a stored admin key. Unset → on first start generate one, store its hash and keep the
 * plaintext in `<DATA_DIR>/api-key` (mode 600) so that every later start can print it again.
 */
export async function ensureAdminApiKey(
  repository: ApiKeysRepository,
  envKey: string | undefined,
  dataDir: string,
): Promise<BootstrapKeyResult> {
  if (envKey) {
    if (!(await repository.findActiveByPlaintext(envKey))) await repository.insert('API_KEY', envKey, ['admin']);
    return { key: envKey, source: 'env' };
  }
  const keyFile = join(resolve(dataDir), 'api-key');
  if (existsSync(keyFile)) {
    const stored = readFileSync(keyFile, 'utf8').trim();
    if (await repository.findActiveByPlaintext(stored)) return { key: stored, source: 'stored' };
  }
  if ((await repository.countActiveWithScope('admin')) > 0) return { key: null, source: 'unknown' };
  const key = generateApiKey();
  await repository.insert('generated at first start', key, ['admin']);
  mkdirSync(resolve(dataDir), { recursive: true });
  writeFileSync(keyFile, `${key}\n`, { mode: 0o600 });
  return { key, source: 'generated' };
}
