import { type DestinationStream, type Level, type Logger, pino } from 'pino';
import { REDACTED, redact } from '../security/redact.ts';

export type { Logger };

/** Where and how much to log. */
export interface LoggerOptions {
  /** Lowest level written; `silent` turns logging off (tests). Default `info`. */
  readonly level?: Level | 'silent';
  /** Where JSON lines go. Default: stdout. Tests pass a memory stream. */
  readonly destination?: DestinationStream;
}

/**
 * Fields that hold secrets by name. Blanked before serialization, so they never exist as text; the
 * line-level `redact()` below is the net for everything else (error messages, stacks, URLs).
 */
export const REDACT_PATHS: readonly string[] = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["proxy-authorization"]',
  'req.headers["x-hubspot-signature"]',
  'req.headers["x-hubspot-signature-v3"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  ...[
    'password',
    'accessToken',
    'refreshToken',
    'clientSecret',
    'access_token',
    'refresh_token',
    'client_secret',
    'apiKey',
    'api_key',
    'token',
    'secret',
    'credentials',
  ].flatMap((field) => [field, `*.${field}`]),
];

/**
 * A pino logger writing one JSON object per line. Known secret fields are censored by path, and then
 * every serialized line (messages, nested fields, error messages and stacks included) goes through
 * `redact()`, which removes registered secrets and secret-looking patterns.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: [...REDACT_PATHS], censor: REDACTED },
      // pino serializes `err` by default; `error` is the other key people reach for, and a plain
      // JSON.stringify of an Error is `{}`, which would lose the message.
      serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
      hooks: { streamWrite: redact },
    },
    options.destination,
  );
}
