/** Identity: users, passwords, sessions, hand-off between hosts, API access tokens. */
/** Builds the auth service (better-auth underneath). */
export { createAuthService, type AuthService, type SessionUser, type ClientInfo, SESSION_TTL_SECONDS, RESET_TOKEN_TTL_SECONDS } from './auth.service.js';
/** Password policy, hashing and Unicode normalisation. */
export { checkPasswordPolicy, PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH } from './passwords.js';
/** Canonical form of an email address. */
export { normalizeEmail } from './users.repository.js';
/** Lifetime of API access tokens. */
export { ACCESS_TOKEN_TTL_SECONDS } from './access-tokens.js';
/** Password sign-in with throttling and audit events (web form and token endpoint). */
export { createPasswordLogin, LOGIN_THROTTLE_RULES, MFA_THROTTLE_RULE, type PasswordLogin, type PasswordLoginResult } from './password-login.js';
/** Route guards: `requireApiUser` (bearer), `requireWebUser` (session cookie). */
export { createAuthGuards, type AuthGuards } from './auth.guards.js';
/** JSON token login/logout routes. */
export { authRoutes } from './auth.routes.js';
/** Password recovery pages (/forgot-password, /reset-password). */
export { passwordRoutes, RESET_THROTTLE_RULES } from './password.routes.js';
/** The account page (/account): password, sessions, recent activity. */
export { accountRoutes, ACCOUNT_THROTTLE_RULES } from './account.routes.js';
/** The sign-in's second step (/login/mfa). */
export { mfaRoutes } from './mfa.routes.js';
