import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ApiKeysRepository, ENV_KEY_NAME } from './api-keys.repository';
import { generateApiKey } from './api-key-hash';

export interface BootstrapKeyResult {
  /** the plaintext admin key when this process knows it (env or the local key file), else null */
  key: string | null;
  source: 'env' | 'generated' | 'stored' | 'unknown';
  /** where the plaintext is kept for the operator (generated and stored keys); it is never logged */
  file?: string;
  /** keys from an earlier API_KEY revoked at this start (the variable was removed or changed) */
  revokedEnvKeys: number;
}

/**
 * `API_KEY` set → make sure it is a stored admin key (named `API_KEY`), and revoke an earlier one it replaced. Unset →
 * revoke any key an earlier `API_KEY` stored, then on first start generate one, store its hash and keep the plaintext
 * in `<DATA_DIR>/api-key` (mode 600) for the operator to read. No key is ever written to the log.
 */
export async function ensureAdminApiKey(
  repository: ApiKeysRepository,
  envKey: string | undefined,
  dataDir: string,
): Promise<BootstrapKeyResult> {
  // a key that came from API_KEY lives only as long as the variable says so
  const revokedEnvKeys = await repository.revokeEnvKeys(envKey ?? null, new Date());
  if (envKey) {
    if (!(await repository.findActiveByPlaintext(envKey))) await repository.insert(ENV_KEY_NAME, envKey, ['admin']);
    else await repository.refreshPrefix(envKey);
    return { key: envKey, source: 'env', revokedEnvKeys };
  }
  const keyFile = join(resolve(dataDir), 'api-key');
  if (existsSync(keyFile)) {
    const stored = readFileSync(keyFile, 'utf8').trim();
    if (await repository.findActiveByPlaintext(stored)) return { key: stored, source: 'stored', file: keyFile, revokedEnvKeys };
  }
  if ((await repository.countActiveWithScope('admin')) > 0) return { key: null, source: 'unknown', revokedEnvKeys };
  const key = generateApiKey();
  await repository.insert('generated at first start', key, ['admin']);
  mkdirSync(resolve(dataDir), { recursive: true });
  writeFileSync(keyFile, `${key}\n`, { mode: 0o600 });
  return { key, source: 'generated', file: keyFile, revokedEnvKeys };
}
