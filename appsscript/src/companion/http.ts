import type { RequestBody, RequestParams, RequestQuery, ResponseBody } from '../../../shared/api/define.ts';
import { SHEET_SECRET_HEADER, SPREADSHEET_HEADER } from '../../../shared/api/headers.ts';
import { ROUTES, type Routes } from '../../../shared/api/routes.ts';
import { companionUrl } from '../build-info.ts';
import { AddonError } from './errors.ts';

/** The routes the add-on calls: those authenticated as the add-on, plus the health check. */
export type AddonRouteName = {
  [K in keyof Routes]: Routes[K]['auth'] extends 'addon' ? K : never;
}[keyof Routes];

/** What a call sends: path parameters, query and JSON body, as the route's schemas accept them. */
export interface CallInput<N extends AddonRouteName> {
  readonly params?: RequestParams<Routes[N]>;
  readonly query?: RequestQuery<Routes[N]>;
  readonly body?: RequestBody<Routes[N]>;
}

/** The spreadsheet a call acts for; absent only for the bind route. */
export interface SheetAuth {
  readonly spreadsheetId: string;
  readonly secret: string;
}

type Route = Routes[AddonRouteName];

function pathOf(path: string, params: unknown): string {
  const values = (params ?? {}) as Record<string, unknown>;
  return path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(String(values[name] ?? '')));
}

function queryOf(query: unknown): string {
  const entries = Object.entries((query ?? {}) as Record<string, unknown>).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return '';
  return `?${entries.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join('&')}`;
}

/**
 * The Google identity token of the person running the add-on: an OpenID Connect JWT whose audience is
 * the script's OAuth client id (the companion's `GOOGLE_ADDON_CLIENT_ID`). Needs the `openid` scope.
 * https://developers.google.com/apps-script/reference/script/script-app#getidentitytoken
 */
function identityToken(): string {
  const token = ScriptApp.getIdentityToken();
  if (!token) {
    throw new AddonError(
      'unauthenticated',
      'Google gave the add-on no identity token (the openid permission is missing). Reinstall the add-on.',
    );
  }
  return token;
}

interface ErrorBody {
  readonly code: string;
  readonly message: string;
  readonly details: readonly string[];
}

/**
 * Reads `{"error":{"code","message","details"}}` loosely, as the contract asks: a newer companion may
 * send codes or fields this add-on does not know, and the user should still see its message.
 */
function errorBodyOf(text: string): ErrorBody | undefined {
  try {
    const parsed = JSON.parse(text) as { error?: { code?: unknown; message?: unknown; details?: unknown } };
    const error = parsed.error;
    if (typeof error?.code !== 'string' || typeof error.message !== 'string') return undefined;
    const details = Array.isArray(error.details)
      ? error.details.flatMap((d: { message?: unknown }) =>
          typeof d?.message === 'string' ? [d.message] : [],
        )
      : [];
    return { code: error.code, message: error.message, details };
  } catch {
    return undefined;
  }
}

function failureOf(status: number, text: string, url: string): AddonError {
  const body = errorBodyOf(text);
  if (body) return new AddonError(body.code, body.message, body.details);
  // No error envelope: something in front of the companion (a proxy, a tunnel) answered.
  if (status === 502 || status === 503 || status === 504 || status === 404) {
    return new AddonError('companion_unreachable', `${url} answered HTTP ${status}.`);
  }
  return new AddonError('internal', `The companion answered HTTP ${status}.`);
}

/**
 * Calls one route of the companion over UrlFetchApp (synchronous, as everything in Apps Script):
 * `Authorization: Bearer <identity token>`, the spreadsheet headers, a JSON body; the answer is parsed
 * with the route's zod schema. Every failure is an `AddonError` with a code the sidebar can explain.
 * https://developers.google.com/apps-script/reference/url-fetch/url-fetch-app#fetchurl,-params
 */
export function send<N extends AddonRouteName>(
  name: N,
  input: CallInput<N>,
  sheet: SheetAuth | undefined,
): ResponseBody<Routes[N]> {
  const definition: Route = ROUTES[name];
  const url = `${companionUrl()}${pathOf(definition.path, input.params)}${queryOf(input.query)}`;
  const headers: Record<string, string> = {
    Authorization: `Bearer ${identityToken()}`,
    Accept: 'application/json',
  };
  if (sheet) {
    headers[SPREADSHEET_HEADER] = sheet.spreadsheetId;
    headers[SHEET_SECRET_HEADER] = sheet.secret;
  }
  const options: GoogleAppsScript.URL_Fetch.URLFetchRequestOptions = {
    method: definition.method.toLowerCase() as GoogleAppsScript.URL_Fetch.HttpMethod,
    headers,
    // Error bodies carry the code and the message the user needs; without this UrlFetchApp throws them away.
    muteHttpExceptions: true,
    followRedirects: false,
  };
  if (input.body !== undefined) {
    options.contentType = 'application/json';
    options.payload = JSON.stringify(input.body);
  }
  let response: GoogleAppsScript.URL_Fetch.HTTPResponse;
  try {
    response = UrlFetchApp.fetch(url, options);
  } catch (error) {
    throw new AddonError('companion_unreachable', `${url}: ${(error as Error).message}`);
  }
  const status = response.getResponseCode();
  const text = response.getContentText();
  if (status < 200 || status >= 300) throw failureOf(status, text, url);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new AddonError(
      'companion_incompatible',
      `${definition.method} ${definition.path} did not answer JSON.`,
    );
  }
  const parsed = definition.response.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
    throw new AddonError(
      'companion_incompatible',
      `${definition.method} ${definition.path}: ${where}${issue?.message ?? 'unexpected answer'}`,
    );
  }
  return parsed.data as ResponseBody<Routes[N]>;
}
