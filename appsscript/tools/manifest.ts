/**
 * The OAuth scopes the add-on needs, exactly (apps-script.md, Manifest and identity). Listing scopes turns
 * off Apps Script's automatic detection, so every one the code needs must be here, and no more:
 * - `spreadsheets.currentonly`: read and write the spreadsheet the add-on runs in, not the user's others;
 * - `script.container.ui`: menu, sidebar and dialog;
 * - `script.external_request`: UrlFetchApp calls to the companion;
 * - `script.scriptapp`: the installable edit trigger;
 * - `openid` and `userinfo.email`: `ScriptApp.getIdentityToken()` with the user's email in it.
 * https://developers.google.com/apps-script/concepts/scopes#setting_explicit_scopes
 */
export const ADDON_SCOPES = [
  'https://www.googleapis.com/auth/spreadsheets.currentonly',
  'https://www.googleapis.com/auth/script.container.ui',
  'https://www.googleapis.com/auth/script.external_request',
  'https://www.googleapis.com/auth/script.scriptapp',
  'openid',
  'https://www.googleapis.com/auth/userinfo.email',
] as const;

/** Where the companion runs when ROWBRIDGE_COMPANION_URL is not set: `npm start` on this machine. */
export const DEFAULT_COMPANION_URL = 'http://localhost:8787';

/**
 * The companion URL checked and normalised (no trailing slash). Refuses anything but an http(s) origin
 * with an optional path, so a typo fails the build instead of every request of the add-on.
 */
export function companionUrlOf(raw: string | undefined): string {
  const text = (raw ?? '').trim() || DEFAULT_COMPANION_URL;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(
      `ROWBRIDGE_COMPANION_URL is not a URL: "${text}". Example: https://rowbridge.example.com`,
    );
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.search || url.hash || url.username) {
    throw new Error(
      `ROWBRIDGE_COMPANION_URL must be an http(s) address without query or credentials, not "${text}".`,
    );
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

/**
 * The `urlFetchWhitelist` entry for the companion: its URL as a prefix ending in a slash, so
 * `https://rowbridge.example.com/` allows the API but not `https://rowbridge.example.com.evil.test`.
 * https://developers.google.com/apps-script/manifest/allowlist-url
 */
export function allowlistEntry(companionUrl: string): string {
  return `${companionUrl}/`;
}

/** `appsscript.json` for a build against `companionUrl`. */
export function manifest(companionUrl: string): Record<string, unknown> {
  return {
    timeZone: 'Etc/UTC',
    dependencies: {},
    exceptionLogging: 'STACKDRIVER',
    runtimeVersion: 'V8',
    oauthScopes: [...ADDON_SCOPES],
    urlFetchWhitelist: [allowlistEntry(companionUrl)],
  };
}
