import { JWT, OAuth2Client } from 'google-auth-library';
// The Sheets module alone: importing all of `googleapis` loads every Google API (about 1 s at start).
import { sheets, type sheets_v4 } from 'googleapis/build/src/apis/sheets/index.js';

/** Read and write spreadsheets (https://developers.google.com/workspace/sheets/api/scopes). */
export const SHEETS_SCOPES = ['https://www.googleapis.com/auth/spreadsheets'] as const;

/** A service account's JSON key, as Google Cloud downloads it; only these fields are used. */
export interface ServiceAccountKey {
  readonly client_email: string;
  readonly private_key: string;
}

/** How Rowbridge signs in to Google Sheets. */
export type SheetsCredentials =
  /** A service account (the spreadsheet is shared with its email), from a key file or its parsed JSON. */
  | { readonly kind: 'service-account'; readonly keyFile: string; readonly subject?: string }
  | { readonly kind: 'service-account'; readonly key: ServiceAccountKey; readonly subject?: string }
  /** A user's OAuth tokens; google-auth-library refreshes the access token with the refresh token. */
  | {
      readonly kind: 'oauth';
      readonly clientId: string;
      readonly clientSecret: string;
      readonly tokens: {
        readonly access_token?: string;
        readonly refresh_token?: string;
        readonly expiry_date?: number;
      };
    }
  /** A fixed access token and nothing to refresh it with: the sandbox and tests. */
  | { readonly kind: 'access-token'; readonly accessToken: string };

/**
 * The google-auth-library client for credentials. A service account uses `JWT` (optionally acting for
 * `subject` through domain-wide delegation); OAuth uses `OAuth2Client`, which refreshes on its own: listen
 * to its `tokens` event to store a new access token.
 * https://github.com/googleapis/google-auth-library-nodejs#json-web-tokens
 */
export function sheetsAuth(credentials: SheetsCredentials): OAuth2Client {
  switch (credentials.kind) {
    case 'service-account': {
      const subject = credentials.subject === undefined ? {} : { subject: credentials.subject };
      if ('keyFile' in credentials)
        return new JWT({ keyFile: credentials.keyFile, scopes: [...SHEETS_SCOPES], ...subject });
      return new JWT({
        email: credentials.key.client_email,
        key: credentials.key.private_key,
        scopes: [...SHEETS_SCOPES],
        ...subject,
      });
    }
    case 'oauth': {
      const client = new OAuth2Client({
        clientId: credentials.clientId,
        clientSecret: credentials.clientSecret,
      });
      client.setCredentials({ ...credentials.tokens });
      return client;
    }
    case 'access-token': {
      const client = new OAuth2Client();
      client.setCredentials({ access_token: credentials.accessToken });
      return client;
    }
  }
}

export interface SheetsApiOptions {
  readonly credentials: SheetsCredentials;
  /** Where the API is, with a trailing slash; the sandbox's address in sandbox mode. Any path is dropped by googleapis. */
  readonly rootUrl?: string;
  /** Per request (default 30 s). */
  readonly timeoutMs?: number;
}

/**
 * The googleapis Sheets v4 client the writer uses, with googleapis' own retries off: the writer retries
 * itself (with Retry-After, jitter and an injectable clock) and counts every attempt.
 * https://googleapis.dev/nodejs/googleapis/latest/sheets/classes/Sheets.html
 */
export function createSheetsApi(options: SheetsApiOptions): sheets_v4.Sheets {
  return sheets({
    version: 'v4',
    auth: sheetsAuth(options.credentials),
    retry: false,
    timeout: options.timeoutMs ?? 30_000,
    ...(options.rootUrl === undefined ? {} : { rootUrl: options.rootUrl }),
  });
}
