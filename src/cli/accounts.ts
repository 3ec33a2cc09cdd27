/** Creating password users from the CLI: shared by `setup`, `users create` and `tenants create`. */
import crypto from 'node:crypto';
import { uniqueViolation } from '../platform/db/errors.js';
import { validationFailed } from '../platform/errors.js';
import type { CliContext } from './context.js';
import { SYSTEM_CONTEXT } from '../modules/audit/audit.service.js';

/** 24 URL-safe characters (144 bits): well past the password policy, easy to paste. */
export function generatePassword(): string {
  return crypto.randomBytes(18).toString('base64url');
}

export interface NewUser {
  email: string;
  name?: string;
  password: string;
  isSuperAdmin?: boolean;
  emailVerified?: boolean;
}

export async function createPasswordUser(ctx: CliContext, input: NewUser) {
  const { auth } = await ctx.services();
  const passwordHash = await auth.hashPassword(input.password);
  const { audit } = await ctx.services();
  try {
    return await ctx.deps.database.transaction(async (tx) => {
      const user = await auth.users.insertWithPassword(tx, {
        email: input.email,
        name: input.name ?? input.email.split('@')[0]!,
        passwordHash,
        isSuperAdmin: input.isSuperAdmin ?? false,
        emailVerified: input.emailVerified ?? false,
      });
      // The operator acts from the CLI: no actor, the account is the target.
      await audit.record({ action: 'admin.user.created', target: { type: 'user', id: user.id }, details: { via: 'cli', email: user.email, super_admin: user.isSuperAdmin } }, SYSTEM_CONTEXT, tx);
      return user;
    });
  } catch (err) {
    if (uniqueViolation(err) !== null) throw validationFailed({ email: 'A user with this email already exists' });
    throw err;
  }
}
