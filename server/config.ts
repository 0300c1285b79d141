import * as z from 'zod';
import { parseOrThrow } from '../shared/errors.ts';
import type { AppDeps } from './app.ts';
import { packageVersion } from './version.ts';

/** Everything the companion needs to start. Later issues add credentials, storage and queue settings here. */
export interface ServerConfig extends AppDeps {
  readonly port: number;
  readonly host: string;
}

const PORT_HINT = 'must be a whole number from 0 to 65535, such as 8787';

const EnvSchema = z.object({
  PORT: z
    .string()
    .regex(/^\d{1,5}$/, { error: PORT_HINT })
    .transform(Number)
    .pipe(z.number().max(65535, { error: PORT_HINT }))
    .default(8787),
  // 0.0.0.0 so the service is reachable inside a container or VM; set HOST=127.0.0.1 to keep it local.
  HOST: z.string().default('0.0.0.0'),
});

/**
 * Reads the companion's settings from environment variables, throwing one `config_invalid` error that
 * names every bad variable. Values are never echoed: later settings will hold secrets.
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): ServerConfig {
  // An empty variable (`PORT= npm start`) means "not set", as in most shells' conventions.
  const pick = (name: string) => env[name]?.trim() || undefined;
  const parsed = parseOrThrow(
    EnvSchema,
    { PORT: pick('PORT'), HOST: pick('HOST') },
    'configuration',
    'config_invalid',
  );
  return {
    port: parsed.PORT,
    host: parsed.HOST,
    // Sandbox until CRM and Google credentials can be configured; then "production" when they are present.
    mode: 'sandbox',
    version: packageVersion(),
  };
}
