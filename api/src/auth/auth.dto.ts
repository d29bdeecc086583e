import { z } from 'zod';
import { apiKeyScope, userRole } from '@boomerang/engine/core/views/auth';
import { passwordProblem } from './password-policy';

/** A password being set: the policy of `password-policy.ts`, in its own words. */
const newPassword = z
  .string()
  .max(1000)
  .superRefine((password, ctx) => {
    const problem = passwordProblem(password);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

export const loginBody = z.object({ email: z.string().min(1).max(320), password: z.string().min(1).max(1000) }).strict();
export type LoginBody = z.infer<typeof loginBody>;

export const createUserBody = z
  .object({
    email: z.string().max(320).email(),
    password: newPassword,
    role: userRole,
  })
  .strict()
  // the user's own e-mail is a word a guesser tries first
  .superRefine((body, ctx) => {
    if (passwordProblem(body.password) !== null) return; // already reported on the field
    const problem = passwordProblem(body.password, [body.email, body.email.split('@')[0]]);
    if (problem) ctx.addIssue({ code: 'custom', path: ['password'], message: problem });
  });
export type CreateUserBody = z.infer<typeof createUserBody>;

export const createApiKeyBody = z
  .object({
    name: z.string().trim().min(1).max(200),
    scopes: z.array(apiKeyScope).min(1).max(2).describe('`ingest`: POST /api/contacts and /api/events only; `admin`: everything'),
  })
  .strict();
export type CreateApiKeyBody = z.infer<typeof createApiKeyBody>;

/**
 * `PATCH /api/users/:id`: change the role, disable (true) / enable (false) the user, or set a new password.
 * Disabling and a new password end every session of the user.
 */
export const updateUserBody = z
  .object({ role: userRole.optional(), disabled: z.boolean().optional(), password: newPassword.optional() })
  .strict()
  .refine(
    (b) => b.role !== undefined || b.disabled !== undefined || b.password !== undefined,
    'nothing to change: send role, disabled or password',
  );
export type UpdateUserBody = z.infer<typeof updateUserBody>;
