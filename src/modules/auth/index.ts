/** Identity: users, passwords, sessions, hand-off between hosts, API access tokens. */
/** Builds the auth service (better-auth underneath); SignInResult is an opened session with its cookies. */
export { createAuthService, type AuthService, type SessionUser, type ClientInfo, type SignInResult, SESSION_TTL_SECONDS, RESET_TOKEN_TTL_SECONDS } from './auth.service.js';
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
/** The account page (/account): password, sessions, recent activity; and the current-password check other forms reuse (same limit). */
export { accountRoutes, ACCOUNT_THROTTLE_RULES, createCurrentPasswordCheck } from './account.routes.js';
/** The sign-in's second step (/login/mfa). */
export { mfaRoutes } from './mfa.routes.js';
/** Sign-in codes by text message: phone numbers (checked, confirmed by a code) and codes per sign-in, with limits on sends. */
export { createSmsMfa, normalizePhoneNumber, SMS_THROTTLE_RULES, type SmsMfa } from './mfa-sms.js';
/** Adding, confirming, changing and removing the phone number (/account/mfa/sms...). */
export { smsMfaRoutes } from './sms-mfa.routes.js';
/** Passkeys (WebAuthn): the service, and the routes for the account page, passwordless sign-in and the second factor. */
export { createPasskeys, type Passkeys, type PasskeyView } from './passkeys.js';
export { passkeyRoutes, PASSKEY_THROTTLE_RULES } from './passkey.routes.js';
/** The login page's "Sign in with a passkey" form (with its scripts). */
export { PasskeySignIn } from './views/passkey-sign-in.js';
/** Sign-in with Google, Microsoft and GitHub, and linking them to accounts (/auth/oauth/*, /account/linked-accounts/*). */
export { oauthRoutes, OAUTH_SIGNUP_COOKIE } from './oauth.routes.js';
/** Provider names and the identity a provider vouches for. */
export { OAUTH_PROVIDERS, isOAuthProviderId, type OAuthProviderId, type ProviderIdentity } from './oauth.js';
