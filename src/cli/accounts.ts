/** Creating password users from the CLI: shared by `setup`, `users create` and `tenants create`. */
import crypto from 'node:crypto';
import { uniqueViolation } from '../platform/db/errors.js';
import { validationFailed } from '../platform/errors.js';
import type { CliContext } from './context.js';

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
  try {
    return await ctx.deps.database.transaction((tx) =>
      auth.users.insertWithPassword(tx, {
        email: input.email,
        name: input.name ?? input.email.split('@')[0]!,
        passwordHash,
        isSuperAdmin: input.isSuperAdmin ?? false,
        emailVerified: input.emailVerified ?? false,
      }),
    );
  } catch (err) {
    if (uniqueViolation(err) !== null) throw validationFailed({ email: 'A user with this email already exists' });
    throw err;
  }
}
