/**
 * Configuration, read from the environment in one place and validated once at start.
 * Every bad key is reported together so an operator fixes them in one go.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export type NodeEnv = 'development' | 'test' | 'production';

export interface AppConfig {
  nodeEnv: NodeEnv;
  isProduction: boolean;
  host: string;
  port: number;
  /** Tenants live at `<subdomain>.<baseDomain>`. */
  baseDomain: string;
  /** Public origin of the root site, e.g. `http://localhost:8000`; links in mail are built from it, never from Host. */
  publicUrl: URL;
  dataDir: string;
  /** Postgres connection string; null = embedded PGlite in `dataDir`. */
  databaseUrl: string | null;
  databasePoolSize: number;
  /** Redis connection string; null = in-memory cache, rate limits and job runner. */
  redisUrl: string | null;
  /** SMTP connection string; null = dev outbox under `dataDir`. */
  smtpUrl: string | null;
  /** The From of every email: `address` or `Name <address>`, one line. */
  mailFrom: string;
  /** The product's name in emails (subjects, layout, footer). */
  appName: string;
  secretKey: string;
  /** Serve cookies with `Secure` and trust `X-Forwarded-Proto` from a proxy. */
  trustProxy: boolean | string;
  logLevel: string;
  /** Log every request (costly: halves throughput); by default only errors and slow requests. */
  accessLog: boolean;
  /** This web process relays the job outbox to the queue (workers always do). */
  outboxRelay: boolean;
  /** The pace of marketing campaigns (each batch waits its share of a minute). */
  marketingEmailsPerMinute: number;
  /** How often the outbox relay looks for committed rows when nothing nudged it. */
  outboxPollMs: number;
  bodyLimitBytes: number;
  /** Seed a demo tenant and user on first start of the embedded default. */
  seedDemo: boolean;
  /** Sign-in providers, each on only when its client id and secret are set. */
  oauth: OAuthConfig;
  /** Text messages (sign-in codes): Twilio, the dev outbox under `dataDir`, or null (off: the UI does not offer them). */
  sms: SmsConfig | null;
  /** Days between an owner deleting a workspace and its data being deleted (0: at once); owners can cancel meanwhile. */
  tenantDeletionGraceDays: number;
  /** Worker process: how long SIGTERM waits for running jobs before closing (the rest are handed back as stalled). */
  workerShutdownSeconds: number;
  /** Worker process: port of its /health and /ready probes (0: no probe server). */
  workerHealthPort: number;
}

export type SmsConfig =
  | { provider: 'dev' }
  | { provider: 'twilio'; accountSid: string; authToken: string; from: string | null; messagingServiceSid: string | null; apiUrl: string };

export interface OAuthClientConfig {
  clientId: string;
  clientSecret: string;
}

export interface OAuthConfig {
  /** OpenID Connect; `issuer` defaults to https://accounts.google.com. */
  google: (OAuthClientConfig & { issuer: string }) | null;
  /** Microsoft Entra ID (OpenID Connect); `authority` + `tenant` make the issuer (`common` = any organisation or personal account). */
  microsoft: (OAuthClientConfig & { authority: string; tenant: string }) | null;
  /** GitHub OAuth app (plain OAuth 2.0, no ID token); `webUrl` and `apiUrl` differ on GitHub Enterprise. */
  github: (OAuthClientConfig & { webUrl: string; apiUrl: string }) | null;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Secrets that ship in examples; refused in production. */
const PLACEHOLDER_SECRETS = new Set([
  '',
  'change-me',
  'changeme',
  'dev-secret-change-me',
  'replace-with-a-long-random-string',
  'secret',
]);

export const DEV_SECRET_KEY = 'dev-secret-change-me';

/**
 * Outside production, a missing SECRET_KEY is generated once and kept in DATA_DIR/.secret-key, so
 * sessions survive restarts without anyone committing a shared development secret.
 */
export function withDevSecretKey(env: Env = process.env): Env {
  if (env.SECRET_KEY || env.NODE_ENV === 'production') return env;
  const dir = path.resolve(env.DATA_DIR || './var');
  const file = path.join(dir, '.secret-key');
  let secret: string;
  try {
    secret = fs.readFileSync(file, 'utf8').trim();
  } catch {
    secret = crypto.randomBytes(48).toString('base64url');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(file, secret, { mode: 0o600 });
  }
  return { ...env, SECRET_KEY: secret };
}

type Env = Record<string, string | undefined>;

export function loadConfig(env: Env = process.env): AppConfig {
  const problems: string[] = [];
  const str = (key: string, fallback: string) => {
    const value = env[key];
    return value === undefined || value === '' ? fallback : value.trim();
  };
  const int = (key: string, fallback: number, min: number, max: number) => {
    const raw = env[key];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${key}: expected an integer between ${min} and ${max}, got "${raw}"`);
      return fallback;
    }
    return value;
  };
  const bool = (key: string, fallback: boolean) => {
    const raw = env[key]?.toLowerCase();
    if (raw === undefined || raw === '') return fallback;
    if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
    if (['0', 'false', 'no', 'off'].includes(raw)) return false;
    problems.push(`${key}: expected true or false, got "${env[key]}"`);
    return fallback;
  };
  const url = (key: string, protocols: string[]) => {
    const raw = env[key];
    if (raw === undefined || raw.trim() === '') return null;
    try {
      const parsed = new URL(raw.trim());
      if (!protocols.includes(parsed.protocol)) {
        problems.push(`${key}: expected a ${protocols.join(' or ')} URL, got "${parsed.protocol}//..."`);
        return null;
      }
      return raw.trim();
    } catch {
      // Never echo the value: connection strings carry passwords.
      problems.push(`${key}: not a valid URL`);
      return null;
    }
  };

  const rawEnv = str('NODE_ENV', 'development');
  let nodeEnv: NodeEnv = 'development';
  if (rawEnv === 'development' || rawEnv === 'test' || rawEnv === 'production') nodeEnv = rawEnv;
  else problems.push(`NODE_ENV: expected development, test or production, got "${rawEnv}"`);
  const isProduction = nodeEnv === 'production';

  const host = str('HOST', '127.0.0.1');
  const port = int('PORT', 8000, 0, 65535);
  let baseDomain = str('APP_BASE_DOMAIN', 'localhost').toLowerCase();
  if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(baseDomain)) {
    problems.push(`APP_BASE_DOMAIN: expected a host name such as "example.com", got "${baseDomain}"`);
    baseDomain = 'localhost'; // keep going so every other problem is reported too
  }

  const trustProxyRaw = str('TRUST_PROXY', 'false');
  const trustProxy: boolean | string =
    trustProxyRaw === 'true' ? true : trustProxyRaw === 'false' ? false : trustProxyRaw;

  let publicUrl: URL;
  const publicUrlRaw = url('PUBLIC_URL', ['http:', 'https:']);
  if (publicUrlRaw) publicUrl = new URL(publicUrlRaw);
  else {
    const defaultPort = port === 80 || port === 443 ? '' : `:${port}`;
    publicUrl = new URL(`http://${baseDomain}${defaultPort}`);
  }
  if (isProduction && publicUrl.protocol !== 'https:' && !bool('ALLOW_INSECURE_HTTP', false)) {
    problems.push('PUBLIC_URL: must be https:// in production (set ALLOW_INSECURE_HTTP=true only behind a TLS-terminating proxy you trust)');
  }

  const secretKey = str('SECRET_KEY', isProduction ? '' : DEV_SECRET_KEY);
  if (isProduction && PLACEHOLDER_SECRETS.has(secretKey.toLowerCase())) {
    problems.push('SECRET_KEY: set a random value of at least 32 characters (e.g. `openssl rand -base64 48`); placeholders are refused in production');
  } else if (isProduction && secretKey.length < 32) {
    problems.push('SECRET_KEY: must be at least 32 characters in production');
  }

  const databaseUrl = url('DATABASE_URL', ['postgres:', 'postgresql:']);
  if (isProduction && !databaseUrl && !bool('ALLOW_EMBEDDED_DATABASE', false)) {
    problems.push('DATABASE_URL: required in production (the embedded database is for development; set ALLOW_EMBEDDED_DATABASE=true to run it anyway)');
  }

  /** A provider is on when both its keys are set; one without the other is a mistake worth stopping for. */
  const oauthClient = (prefix: string): OAuthClientConfig | null => {
    const clientId = str(`${prefix}_CLIENT_ID`, '');
    const clientSecret = str(`${prefix}_CLIENT_SECRET`, '');
    if (!clientId && !clientSecret) return null;
    if (!clientId || !clientSecret) {
      problems.push(`${prefix}_CLIENT_ID and ${prefix}_CLIENT_SECRET: set both to turn the provider on, or neither`);
      return null;
    }
    return { clientId, clientSecret };
  };
  /** Provider endpoints must be https, except plain http on this machine (a local test provider) outside production. */
  const providerUrl = (key: string, fallback: string) => {
    const value = (url(key, ['https:', 'http:']) ?? fallback).replace(/\/+$/, '');
    const parsed = new URL(value);
    const local = ['localhost', '127.0.0.1', '[::1]'].includes(parsed.hostname);
    if (parsed.protocol === 'http:' && (isProduction || !local)) problems.push(`${key}: must be an https:// URL`);
    return value;
  };
  const google = oauthClient('OAUTH_GOOGLE');
  const microsoft = oauthClient('OAUTH_MICROSOFT');
  const github = oauthClient('OAUTH_GITHUB');
  const microsoftTenant = str('OAUTH_MICROSOFT_TENANT', 'common');
  if (!/^[A-Za-z0-9.-]{1,100}$/.test(microsoftTenant)) problems.push('OAUTH_MICROSOFT_TENANT: expected common, organizations, consumers, a tenant id or a domain');
  const oauth: OAuthConfig = {
    google: google ? { ...google, issuer: providerUrl('OAUTH_GOOGLE_ISSUER', 'https://accounts.google.com') } : null,
    microsoft: microsoft ? { ...microsoft, authority: providerUrl('OAUTH_MICROSOFT_AUTHORITY', 'https://login.microsoftonline.com'), tenant: microsoftTenant } : null,
    github: github ? { ...github, webUrl: providerUrl('OAUTH_GITHUB_URL', 'https://github.com'), apiUrl: providerUrl('OAUTH_GITHUB_API_URL', 'https://api.github.com') } : null,
  };

  const sms = smsConfig(env, isProduction, problems);

  const config: AppConfig = {
    nodeEnv,
    isProduction,
    host,
    port,
    baseDomain,
    publicUrl,
    dataDir: path.resolve(str('DATA_DIR', './var')),
    databaseUrl,
    databasePoolSize: int('DATABASE_POOL_SIZE', 10, 1, 200),
    redisUrl: url('REDIS_URL', ['redis:', 'rediss:']),
    smtpUrl: url('SMTP_URL', ['smtp:', 'smtps:']),
    mailFrom: str('MAIL_FROM', `no-reply@${baseDomain}`),
    appName: str('APP_NAME', 'SaaS App'),
    secretKey,
    trustProxy,
    logLevel: str('LOG_LEVEL', nodeEnv === 'test' ? 'warn' : 'info'),
    accessLog: bool('ACCESS_LOG', false),
    outboxRelay: bool('OUTBOX_RELAY', true),
    marketingEmailsPerMinute: int('MARKETING_EMAILS_PER_MINUTE', 600, 1, 100_000),
    outboxPollMs: int('OUTBOX_POLL_MS', 1000, 10, 60_000),
    bodyLimitBytes: int('BODY_LIMIT_BYTES', 1_048_576, 1024, 104_857_600),
    seedDemo: bool('SEED_DEMO', !isProduction),
    oauth,
    sms,
    tenantDeletionGraceDays: int('TENANT_DELETION_GRACE_DAYS', 14, 0, 90),
    workerShutdownSeconds: int('WORKER_SHUTDOWN_SECONDS', 25, 1, 3600),
    workerHealthPort: int('WORKER_HEALTH_PORT', 9465, 0, 65535),
  };
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(config.logLevel)) {
    problems.push(`LOG_LEVEL: expected one of fatal, error, warn, info, debug, trace, silent, got "${config.logLevel}"`);
  }
  // Both end up in mail headers: one line, and the From a plain address with an optional display name.
  if (!/^(?:[^\p{Cc}<>"]{1,100} <[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/u.test(config.mailFrom)) {
    problems.push('MAIL_FROM: expected an address (no-reply@example.com) or a name and an address (Example <no-reply@example.com>), on one line');
  }
  if (!/^[^\p{Cc}\p{Cf}<>]{1,60}$/u.test(config.appName)) problems.push('APP_NAME: 1 to 60 characters on one line, without < or >');
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/**
 * SMS_PROVIDER: `twilio`, `dev` (the outbox; refused in production, where it would deliver nothing) or
 * `off`. Unset: Twilio when TWILIO_ACCOUNT_SID is set, else the dev outbox outside production and off
 * in production. The auth token is never echoed.
 */
function smsConfig(env: Env, isProduction: boolean, problems: string[]): SmsConfig | null {
  const value = (key: string) => env[key]?.trim() || '';
  const provider = value('SMS_PROVIDER').toLowerCase() || (value('TWILIO_ACCOUNT_SID') ? 'twilio' : isProduction ? 'off' : 'dev');
  if (provider === 'off') return null;
  if (provider === 'dev') {
    if (!isProduction) return { provider: 'dev' };
    problems.push('SMS_PROVIDER: "dev" only writes messages to a folder; in production set twilio (with TWILIO_* keys) or leave it unset to turn text messages off');
    return null;
  }
  if (provider !== 'twilio') {
    problems.push(`SMS_PROVIDER: expected twilio, dev or off, got "${provider}"`);
    return null;
  }
  const before = problems.length;
  const accountSid = value('TWILIO_ACCOUNT_SID');
  if (!/^AC[0-9a-fA-F]{32}$/.test(accountSid)) problems.push('TWILIO_ACCOUNT_SID: expected the account SID from the Twilio console (AC followed by 32 hex digits)');
  const authToken = value('TWILIO_AUTH_TOKEN');
  if (!authToken) problems.push('TWILIO_AUTH_TOKEN: required with SMS_PROVIDER=twilio');
  else if (isProduction && (PLACEHOLDER_SECRETS.has(authToken.toLowerCase()) || /change-?me/i.test(authToken))) problems.push('TWILIO_AUTH_TOKEN: placeholders are refused in production');
  const from = value('TWILIO_FROM') || null;
  const messagingServiceSid = value('TWILIO_MESSAGING_SERVICE_SID') || null;
  if (!from && !messagingServiceSid) problems.push('TWILIO_FROM or TWILIO_MESSAGING_SERVICE_SID: set one (a sender number in E.164, like +14155550100, or a messaging service SID)');
  // A number in E.164, or an alphanumeric sender id (up to 11 characters, at least one letter).
  if (from && !/^\+[1-9]\d{6,14}$/.test(from) && !/^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$/.test(from)) {
    problems.push(`TWILIO_FROM: expected a number in E.164 (like +14155550100) or an alphanumeric sender id of up to 11 characters, got "${from}"`);
  }
  if (messagingServiceSid && !/^MG[0-9a-fA-F]{32}$/.test(messagingServiceSid)) problems.push('TWILIO_MESSAGING_SERVICE_SID: expected MG followed by 32 hex digits');
  let apiUrl = 'https://api.twilio.com';
  const rawApiUrl = value('TWILIO_API_URL');
  if (rawApiUrl) {
    try {
      const parsed = new URL(rawApiUrl);
      // Plain http only to this machine (a local fake in tests), and never in production.
      const local = ['localhost', '127.0.0.1', '[::1]'].includes(parsed.hostname);
      if (parsed.protocol !== 'https:' && (isProduction || parsed.protocol !== 'http:' || !local)) problems.push('TWILIO_API_URL: must be an https:// URL');
      else if (parsed.username || parsed.password || parsed.search) problems.push('TWILIO_API_URL: give the origin only (credentials go in TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN)');
      else apiUrl = parsed.href.replace(/\/+$/, '');
    } catch {
      problems.push('TWILIO_API_URL: not a valid URL');
    }
  }
  return problems.length > before ? null : { provider: 'twilio', accountSid, authToken, from, messagingServiceSid, apiUrl };
}

/** Origin for a tenant's subdomain, e.g. `http://acme.localhost:8000`. */
export function tenantOrigin(config: AppConfig, subdomain: string): string {
  const u = new URL(config.publicUrl);
  u.hostname = `${subdomain}.${u.hostname}`;
  return u.origin;
}
