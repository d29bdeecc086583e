import { randomBytes } from 'node:crypto';
import { hashPassword } from './password';
import { UsersRepository } from './users.repository';

export interface BootstrapUserResult {
  created: boolean;
  email: string;
  /** the generated password, when ADMIN_PASSWORD was unset; printed once and never stored in plaintext */
  generatedPassword?: string;
}

/** On an empty users table: the first editor user (role admin) from ADMIN_EMAIL / ADMIN_PASSWORD. */
export async function ensureAdminUser(users: UsersRepository, email: string, password: string | undefined): Promise<BootstrapUserResult> {
  if ((await users.count()) > 0) return { created: false, email };
  const plaintext = password ?? randomBytes(12).toString('base64url');
  const created = await users.insertFirst(email, await hashPassword(plaintext));
  return { created, email, ...(created && !password ? { generatedPassword: plaintext } : {}) };
}
