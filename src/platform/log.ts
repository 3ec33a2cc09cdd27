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

/** A URL without its query string: links carry single-use tokens there (reset, confirmation, hand-off). */
export function urlWithoutQuery(url: string): string {
  const at = url.indexOf('?');
  return at === -1 ? url : `${url.slice(0, at)}?[redacted]`;
}

const serializers = {
  req: (req: { method?: string; url?: string; hostname?: string; ip?: string }) => ({
    method: req.method,
    url: urlWithoutQuery(String(req.url ?? '')),
    host: req.hostname,
    remoteAddress: req.ip,
  }),
};

/** `destination`: where JSON lines go (tests read them); default stdout, pretty on a terminal outside production. */
export function createLogger(config: Pick<AppConfig, 'logLevel' | 'isProduction'>, name = 'saas-app', destination?: NodeJS.WritableStream): Logger {
  const pretty = !destination && !config.isProduction && process.stdout.isTTY;
  const options = {
    name,
    level: config.logLevel,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    serializers,
    ...(pretty
      ? { transport: { target: 'pino-pretty', options: { translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname,name' } } }
      : {}),
  };
  return destination ? pino(options, destination) : pino(options);
}
