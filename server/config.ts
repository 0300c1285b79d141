import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import * as z from 'zod';
import { problemsFromZod, RowbridgeError } from '../shared/errors.ts';
import type { Mode } from './app.ts';
import { checkSalesforceLoginUrl, SALESFORCE_PRODUCTION_LOGIN } from './oauth/salesforce-hosts.ts';
import { registerSecret } from './security/redact.ts';
import type { SheetsCredentials } from './sheets/client.ts';
import { packageVersion } from './version.ts';

/** Everything the companion needs to start, read once from the environment. */
export interface ServerConfig {
  readonly version: string;
  readonly mode: Mode;
  readonly port: number;
  readonly host: string;
  /** Where PGlite, the sandbox key file and sandbox state live. */
  readonly dataDir: string;
  /** PostgreSQL instead of the embedded database. */
  readonly databaseUrl?: string;
  /** `keyId:base64key[,oldKeyId:oldKey…]`; required in production, generated in the data folder in sandbox. */
  readonly encryptionKey?: string;
  /** The companion's public base URL: OAuth redirects and webhook targets are built from it. */
  readonly publicUrl: string;
  readonly identity: {
    /** The add-on's OAuth client id, the `aud` of its identity tokens. Unset in sandbox: local tokens. */
    readonly audience?: string;
    readonly jwksUrl?: string;
  };
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Whether `publicUrl` was configured; if not, the companion uses the address it actually listens on. */
  readonly publicUrlConfigured: boolean;
  /** How the companion signs in to Google Sheets; absent in production without a service account. */
  readonly sheets?: SheetsCredentials;
  /** Opens `/dashboard` to whoever presents it; without it production keeps the dashboard off. */
  readonly dashboardToken?: string;
  /** Sandbox mode seeds a sample sheet and CRM records into a fresh data folder (`ROWBRIDGE_SAMPLE_DATA`). */
  readonly sampleData: boolean;
  /** CRM apps registered for OAuth (production); the sandbox CRMs need none. */
  readonly crms: {
    readonly hubspot?: { readonly clientId: string; readonly clientSecret: string; readonly appId?: string };
    /** The connected app; `loginUrl` is where users sign in unless they choose another host. */
    readonly salesforce?: {
      readonly clientId: string;
      readonly clientSecret: string;
      readonly loginUrl: string;
    };
  };
}

const PORT_HINT = 'must be a whole number from 0 to 65535, such as 8787';

/**
 * Variables whose presence means "this is a real deployment": any credential for Google or a CRM. With
 * none of them the companion runs in sandbox mode against its built-in fakes (README, "Two commands").
 */
const CREDENTIAL_VARIABLES = [
  'GOOGLE_ADDON_CLIENT_ID',
  'GOOGLE_SERVICE_ACCOUNT_KEY',
  'HUBSPOT_CLIENT_ID',
  'HUBSPOT_CLIENT_SECRET',
  'SALESFORCE_CLIENT_ID',
  'SALESFORCE_CLIENT_SECRET',
] as const;

const httpUrl = z.url({
  protocol: /^https?$/,
  error: 'must be an http(s) URL, such as https://rowbridge.example.com',
});

const EnvSchema = z.object({
  PORT: z
    .string()
    .regex(/^\d{1,5}$/, { error: PORT_HINT })
    .transform(Number)
    .pipe(z.number().max(65535, { error: PORT_HINT }))
    .default(8787),
  // 0.0.0.0 so the service is reachable inside a container or VM; set HOST=127.0.0.1 to keep it local.
  HOST: z.string().default('0.0.0.0'),
  ROWBRIDGE_MODE: z
    .enum(['sandbox', 'production'], { error: 'must be "sandbox" or "production"' })
    .optional(),
  ROWBRIDGE_DATA_DIR: z.string().default('.rowbridge'),
  DATABASE_URL: z
    .url({
      protocol: /^postgres(ql)?$/,
      error: 'must be a postgres:// URL, such as postgres://user@host:5432/rowbridge',
    })
    .optional(),
  ROWBRIDGE_ENCRYPTION_KEY: z.string().min(1).optional(),
  ROWBRIDGE_PUBLIC_URL: httpUrl.optional(),
  GOOGLE_ADDON_CLIENT_ID: z.string().min(1).optional(),
  GOOGLE_JWKS_URL: httpUrl.optional(),
  GOOGLE_SERVICE_ACCOUNT_KEY: z.string().min(1).optional(),
  HUBSPOT_CLIENT_ID: z.string().min(1).optional(),
  HUBSPOT_CLIENT_SECRET: z.string().min(1).optional(),
  HUBSPOT_APP_ID: z
    .string()
    .regex(/^\d+$/, { error: 'must be the numeric app id from the HubSpot app page' })
    .optional(),
  SALESFORCE_CLIENT_ID: z.string().min(1).optional(),
  SALESFORCE_CLIENT_SECRET: z.string().min(1).optional(),
  SALESFORCE_LOGIN_URL: z.string().min(1).optional(),
  ROWBRIDGE_DASHBOARD_TOKEN: z
    .string()
    .min(16, { error: 'must be at least 16 characters, such as the output of `openssl rand -base64 24`' })
    .optional(),
  ROWBRIDGE_SAMPLE_DATA: z
    .enum(['0', '1'], { error: 'must be 1 (seed the sandbox sample data) or 0 (start with empty sandboxes)' })
    .default('1'),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: 'must be one of fatal, error, warn, info, debug, trace, silent',
    })
    .default('info'),
});

/** Every environment variable the companion reads (docs/production.md lists exactly these). */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(EnvSchema.shape);

/** What production cannot run without, each with what to set. */
const PRODUCTION_REQUIRES = {
  ROWBRIDGE_ENCRYPTION_KEY: 'is required in production: CRM credentials are encrypted with it (see README)',
  GOOGLE_ADDON_CLIENT_ID:
    "is required in production: it is the add-on's OAuth client id, checked in every request",
  ROWBRIDGE_PUBLIC_URL: 'is required in production: OAuth redirects and webhook URLs are built from it',
} as const;

/**
 * Reads the companion's settings from environment variables. Every bad or missing variable is reported
 * in one `config_invalid` error, so a deployment is fixed in one go. Values are never echoed: some are
 * secrets.
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): ServerConfig {
  // An empty variable (`PORT= npm start`) means "not set", as in most shells' conventions.
  const pick = (name: string) => env[name]?.trim() || undefined;
  const raw = Object.fromEntries(Object.keys(EnvSchema.shape).map((name) => [name, pick(name)]));
  const mode: Mode =
    (pick('ROWBRIDGE_MODE') as Mode | undefined) ??
    (CREDENTIAL_VARIABLES.some((name) => pick(name)) ? 'production' : 'sandbox');
  const result = EnvSchema.safeParse(raw);
  // Checked apart from the schema so a deployment sees missing and malformed variables in one message.
  const missing =
    mode === 'production'
      ? Object.entries(PRODUCTION_REQUIRES)
          .filter(([name]) => !raw[name])
          .map(([name, why]) => ({
            code: 'config_invalid' as const,
            message: `${name}: ${why}`,
            path: [name],
          }))
      : [];
  if (Boolean(raw.HUBSPOT_CLIENT_ID) !== Boolean(raw.HUBSPOT_CLIENT_SECRET)) {
    missing.push({
      code: 'config_invalid',
      message:
        "HUBSPOT_CLIENT_ID and HUBSPOT_CLIENT_SECRET: set both (from the HubSpot app's Auth settings) or neither",
      path: [raw.HUBSPOT_CLIENT_ID ? 'HUBSPOT_CLIENT_SECRET' : 'HUBSPOT_CLIENT_ID'],
    });
  }
  if (Boolean(raw.SALESFORCE_CLIENT_ID) !== Boolean(raw.SALESFORCE_CLIENT_SECRET)) {
    missing.push({
      code: 'config_invalid',
      message:
        "SALESFORCE_CLIENT_ID and SALESFORCE_CLIENT_SECRET: set both (the connected app's consumer key and secret) or neither",
      path: [raw.SALESFORCE_CLIENT_ID ? 'SALESFORCE_CLIENT_SECRET' : 'SALESFORCE_CLIENT_ID'],
    });
  }
  const salesforceLogin = loginUrlOf(raw.SALESFORCE_LOGIN_URL);
  if (typeof salesforceLogin !== 'string') missing.push(salesforceLogin.problem);
  const sheets = raw.GOOGLE_SERVICE_ACCOUNT_KEY ? serviceAccount(raw.GOOGLE_SERVICE_ACCOUNT_KEY) : undefined;
  if (sheets && 'problem' in sheets) missing.push(sheets.problem);
  if (!result.success || missing.length) {
    const problems = [...(result.success ? [] : problemsFromZod(result.error, 'config_invalid')), ...missing];
    const list = problems.map((problem) => problem.message).join('; ');
    throw new RowbridgeError(
      'config_invalid',
      `Invalid configuration (${problems.length} problem${problems.length > 1 ? 's' : ''}): ${list}`,
      problems,
    );
  }
  const parsed = result.data;
  // The connected app's secret travels in token requests; keep it out of every log line.
  if (parsed.SALESFORCE_CLIENT_SECRET) registerSecret(parsed.SALESFORCE_CLIENT_SECRET);
  if (parsed.ROWBRIDGE_DASHBOARD_TOKEN) registerSecret(parsed.ROWBRIDGE_DASHBOARD_TOKEN);
  return {
    version: packageVersion(),
    mode,
    port: parsed.PORT,
    host: parsed.HOST,
    dataDir: resolve(parsed.ROWBRIDGE_DATA_DIR),
    ...(parsed.DATABASE_URL ? { databaseUrl: parsed.DATABASE_URL } : {}),
    ...(parsed.ROWBRIDGE_ENCRYPTION_KEY ? { encryptionKey: parsed.ROWBRIDGE_ENCRYPTION_KEY } : {}),
    publicUrl: (parsed.ROWBRIDGE_PUBLIC_URL ?? `http://localhost:${parsed.PORT || 8787}`).replace(/\/+$/, ''),
    identity: {
      ...(parsed.GOOGLE_ADDON_CLIENT_ID ? { audience: parsed.GOOGLE_ADDON_CLIENT_ID } : {}),
      ...(parsed.GOOGLE_JWKS_URL ? { jwksUrl: parsed.GOOGLE_JWKS_URL } : {}),
    },
    logLevel: parsed.LOG_LEVEL,
    ...(parsed.ROWBRIDGE_DASHBOARD_TOKEN ? { dashboardToken: parsed.ROWBRIDGE_DASHBOARD_TOKEN } : {}),
    ...(sheets && !('problem' in sheets) ? { sheets } : {}),
    publicUrlConfigured: Boolean(parsed.ROWBRIDGE_PUBLIC_URL),
    sampleData: mode === 'sandbox' && parsed.ROWBRIDGE_SAMPLE_DATA === '1',
    crms: {
      ...(parsed.HUBSPOT_CLIENT_ID && parsed.HUBSPOT_CLIENT_SECRET
        ? {
            hubspot: {
              clientId: parsed.HUBSPOT_CLIENT_ID,
              clientSecret: parsed.HUBSPOT_CLIENT_SECRET,
              ...(parsed.HUBSPOT_APP_ID ? { appId: parsed.HUBSPOT_APP_ID } : {}),
            },
          }
        : {}),
      ...(parsed.SALESFORCE_CLIENT_ID &&
      parsed.SALESFORCE_CLIENT_SECRET &&
      typeof salesforceLogin === 'string'
        ? {
            salesforce: {
              clientId: parsed.SALESFORCE_CLIENT_ID,
              clientSecret: parsed.SALESFORCE_CLIENT_SECRET,
              loginUrl: salesforceLogin,
            },
          }
        : {}),
    },
  };
}

/** `SALESFORCE_LOGIN_URL`, checked like a user's choice (Salesforce hosts only), or the production host. */
function loginUrlOf(
  value: string | undefined,
): string | { problem: { code: 'config_invalid'; message: string; path: string[] } } {
  if (value === undefined) return SALESFORCE_PRODUCTION_LOGIN;
  try {
    return checkSalesforceLoginUrl(value, 'SALESFORCE_LOGIN_URL');
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { problem: { code: 'config_invalid', message, path: ['SALESFORCE_LOGIN_URL'] } };
  }
}

const serviceAccountKeySchema = z.object({ client_email: z.email(), private_key: z.string().min(1) });

/**
 * `GOOGLE_SERVICE_ACCOUNT_KEY`: the service account's JSON key itself, or the path of its key file. The
 * key's private part is registered as a secret, so no log line can carry it.
 */
function serviceAccount(
  value: string,
): SheetsCredentials | { problem: { code: 'config_invalid'; message: string; path: string[] } } {
  const problem = (message: string) => ({
    problem: {
      code: 'config_invalid' as const,
      message: `GOOGLE_SERVICE_ACCOUNT_KEY: ${message}`,
      path: ['GOOGLE_SERVICE_ACCOUNT_KEY'],
    },
  });
  if (value.trimStart().startsWith('{')) {
    let json: unknown;
    try {
      json = JSON.parse(value);
    } catch {
      return problem('is not valid JSON; paste the whole key file, or give its path');
    }
    const key = serviceAccountKeySchema.safeParse(json);
    if (!key.success)
      return problem('needs client_email and private_key (a service account key from Google Cloud)');
    registerSecret(key.data.private_key);
    return { kind: 'service-account', key: key.data };
  }
  if (!existsSync(value)) return problem(`no key file at ${value}`);
  return { kind: 'service-account', keyFile: resolve(value) };
}
