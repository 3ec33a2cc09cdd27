/** Logger: JSON lines in production, pretty on a terminal. Secrets are redacted wherever they appear in known fields. */
import pino, { type Logger } from 'pino';
import type { AppConfig } from './config.js';

export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.token',
  '*.access_token',
  '*.secret',
  'password',
  'token',
];

export function createLogger(config: Pick<AppConfig, 'logLevel' | 'isProduction'>, name = 'saas-app'): Logger {
  const pretty = !config.isProduction && process.stdout.isTTY;
  return pino({
    name,
    level: config.logLevel,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    ...(pretty
      ? { transport: { target: 'pino-pretty', options: { translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname,name' } } }
      : {}),
  });
}
