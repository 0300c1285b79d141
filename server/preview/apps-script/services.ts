/// <reference types="google-apps-script" />
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { offsetMinutes, zonedParts } from './cells.ts';
import type { Mirrors } from './mirrors.ts';
import type { FakeSpreadsheet } from './spreadsheet.ts';
import type { SyncFetcher } from './sync-fetch.ts';

function gasError(message: string): Error {
  return new Error(`Exception: ${message}`);
}

/** Apps Script's PropertiesService limits: 9 KB per value, 500 KB per store (apps-script.md, Quotas). */
export const PROPERTY_VALUE_LIMIT = 9 * 1024;
export const PROPERTY_STORE_LIMIT = 500 * 1024;
// The exact text Apps Script uses is not documented; the tests only rely on a throw.
const QUOTA_MESSAGE =
  'You have exceeded the property storage quota. Please remove some properties and try again.';

/** One property store (document, user or script), with Apps Script's size limits enforced. */
export class FakeProperties implements GoogleAppsScript.Properties.Properties {
  readonly #values = new Map<string, string>();

  #check(next: Map<string, string>): void {
    let total = 0;
    for (const [key, value] of next) {
      if (value.length > PROPERTY_VALUE_LIMIT) throw gasError(QUOTA_MESSAGE);
      total += key.length + value.length;
    }
    if (total > PROPERTY_STORE_LIMIT) throw gasError(QUOTA_MESSAGE);
  }

  getProperty(key: string): string | null {
    return this.#values.get(key) ?? null;
  }

  setProperty(key: string, value: string): GoogleAppsScript.Properties.Properties {
    const next = new Map(this.#values).set(key, String(value));
    this.#check(next);
    this.#values.set(key, String(value));
    return this;
  }

  setProperties(
    properties: { [key: string]: string },
    deleteAllOthers?: boolean,
  ): GoogleAppsScript.Properties.Properties {
    const next = deleteAllOthers ? new Map<string, string>() : new Map(this.#values);
    for (const [key, value] of Object.entries(properties)) next.set(key, String(value));
    this.#check(next);
    this.#values.clear();
    for (const [key, value] of next) this.#values.set(key, value);
    return this;
  }

  getProperties(): { [key: string]: string } {
    return Object.fromEntries(this.#values);
  }

  getKeys(): string[] {
    return [...this.#values.keys()];
  }

  deleteProperty(key: string): GoogleAppsScript.Properties.Properties {
    this.#values.delete(key);
    return this;
  }

  deleteAllProperties(): GoogleAppsScript.Properties.Properties {
    this.#values.clear();
    return this;
  }
}

/**
 * A lock shared by every execution of one scope. Executions here run one at a time, so a lock is busy
 * only when a test says another execution holds it (`heldElsewhere`).
 */
export class FakeLock implements GoogleAppsScript.Lock.Lock {
  #held = false;
  heldElsewhere = false;

  tryLock(_timeoutInMillis: number): boolean {
    if (this.heldElsewhere) return false;
    this.#held = true;
    return true;
  }

  waitLock(timeoutInMillis: number): void {
    if (!this.tryLock(timeoutInMillis))
      throw gasError('Lock timeout: another process was holding the lock for too long.');
  }

  hasLock(): boolean {
    return this.#held;
  }

  releaseLock(): void {
    this.#held = false;
  }
}

const PATTERN = /'([^']*)'|yyyy|MM|dd|HH|mm|ss|XXX/g;

/**
 * `Utilities.formatDate` for the SimpleDateFormat letters the add-on uses (yyyy MM dd HH mm ss XXX and
 * quoted text), computed in the given time zone with Intl.
 */
export function formatDate(date: Date, timeZone: string, pattern: string): string {
  const get = zonedParts(date, timeZone);
  const offset = offsetMinutes(date, timeZone);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const xxx =
    offset === 0
      ? 'Z'
      : `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  const tokens: Record<string, string> = {
    yyyy: get('year'),
    MM: get('month'),
    dd: get('day'),
    HH: get('hour'),
    mm: get('minute'),
    ss: get('second'),
    XXX: xxx,
  };
  return pattern.replace(PATTERN, (token, quoted: string | undefined) =>
    quoted !== undefined ? quoted : (tokens[token] ?? token),
  );
}

export const fakeUtilities = {
  getUuid: () => randomUUID(),
  formatDate,
  sleep: (milliseconds: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, milliseconds),
};

/** What `HtmlService` produced: the page content and how it is shown. */
export class FakeHtmlOutput {
  #title = '';
  #width = 0;
  #height = 0;

  constructor(private content: string) {}

  getContent(): string {
    return this.content;
  }

  append(addedContent: string): this {
    this.content += addedContent;
    return this;
  }

  setTitle(title: string): this {
    this.#title = title;
    return this;
  }

  getTitle(): string {
    return this.#title;
  }

  setWidth(width: number): this {
    this.#width = width;
    return this;
  }

  getWidth(): number {
    return this.#width;
  }

  setHeight(height: number): this {
    this.#height = height;
    return this;
  }

  getHeight(): number {
    return this.#height;
  }
}

/** `HtmlService` serving the built pages from a folder (the add-on's `dist/`, as pushed by clasp). */
export function fakeHtmlService(pagesDir: string) {
  return {
    createHtmlOutputFromFile(filename: string): FakeHtmlOutput {
      try {
        return new FakeHtmlOutput(readFileSync(join(pagesDir, `${filename}.html`), 'utf8'));
      } catch {
        throw gasError(`No HTML file named ${filename} was found.`);
      }
    },
    createHtmlOutput(html = ''): FakeHtmlOutput {
      return new FakeHtmlOutput(html);
    },
  };
}

/** A menu being built, then what `addToUi` showed. */
export class FakeMenu {
  readonly items: [caption: string, functionName: string][] = [];

  constructor(
    private readonly ui: FakeUi,
    readonly name: string,
  ) {}

  addItem(caption: string, functionName: string): this {
    this.items.push([caption, functionName]);
    return this;
  }

  addSeparator(): this {
    return this;
  }

  addToUi(): void {
    this.ui.menus.push(this);
  }
}

/** `SpreadsheetApp.getUi()`: records the menus, the sidebar and the dialogs shown. */
export class FakeUi {
  readonly menus: FakeMenu[] = [];
  sidebar: FakeHtmlOutput | undefined;
  readonly dialogs: { output: FakeHtmlOutput; title: string; modal: boolean }[] = [];
  readonly alerts: string[] = [];

  createAddonMenu(): FakeMenu {
    return new FakeMenu(this, 'Rowbridge');
  }

  createMenu(caption: string): FakeMenu {
    return new FakeMenu(this, caption);
  }

  showSidebar(userInterface: FakeHtmlOutput): void {
    this.sidebar = userInterface;
  }

  showModalDialog(userInterface: FakeHtmlOutput, title: string): void {
    this.dialogs.push({ output: userInterface, title, modal: true });
  }

  showModelessDialog(userInterface: FakeHtmlOutput, title: string): void {
    this.dialogs.push({ output: userInterface, title, modal: false });
  }

  alert(prompt: string): string {
    this.alerts.push(prompt);
    return 'OK';
  }
}

/** An installed trigger. */
export class FakeTrigger {
  constructor(
    private readonly id: string,
    private readonly handler: string,
    readonly eventType: 'ON_EDIT' | 'ON_CHANGE' | 'ON_OPEN' | 'CLOCK',
    readonly sourceId: string | null,
  ) {}

  getUniqueId(): string {
    return this.id;
  }

  getHandlerFunction(): string {
    return this.handler;
  }

  getEventType(): string {
    return this.eventType;
  }

  getTriggerSourceId(): string | null {
    return this.sourceId;
  }
}

/**
 * `ScriptApp`: the identity token the test hands in, and installable triggers kept in a list that the
 * environment fires on user edits. Add-ons may run a time-driven trigger at most hourly (checked).
 */
export function fakeScriptApp(identityToken: () => string | null, triggers: FakeTrigger[]) {
  let next = 1;
  const create = (handler: string, type: FakeTrigger['eventType'], source: string | null) => {
    const trigger = new FakeTrigger(String(next++), handler, type, source);
    triggers.push(trigger);
    return trigger;
  };
  return {
    AuthMode: { NONE: 'NONE', LIMITED: 'LIMITED', FULL: 'FULL', CUSTOM_FUNCTION: 'CUSTOM_FUNCTION' },
    EventType: { ON_EDIT: 'ON_EDIT', ON_CHANGE: 'ON_CHANGE', ON_OPEN: 'ON_OPEN', CLOCK: 'CLOCK' },
    getIdentityToken: identityToken,
    getOAuthToken: () => 'ya29.fake-oauth-token',
    getUserTriggers: (document: FakeSpreadsheet) => triggers.filter((t) => t.sourceId === document.getId()),
    getProjectTriggers: () => [...triggers],
    deleteTrigger(trigger: FakeTrigger) {
      const at = triggers.indexOf(trigger);
      if (at >= 0) triggers.splice(at, 1);
    },
    newTrigger(functionName: string) {
      return {
        forSpreadsheet(spreadsheet: FakeSpreadsheet) {
          const source = spreadsheet.getId();
          return {
            onEdit: () => ({ create: () => create(functionName, 'ON_EDIT', source) }),
            onChange: () => ({ create: () => create(functionName, 'ON_CHANGE', source) }),
            onOpen: () => ({ create: () => create(functionName, 'ON_OPEN', source) }),
          };
        },
        timeBased() {
          return {
            everyMinutes(minutes: number) {
              if (minutes < 60)
                throw gasError('Add-ons can only run time-driven triggers once per hour at most.');
              return { create: () => create(functionName, 'CLOCK', null) };
            },
            everyHours: (_hours: number) => ({ create: () => create(functionName, 'CLOCK', null) }),
          };
        },
      };
    },
  };
}

/** One request UrlFetchApp made, for tests to check what the add-on sent. */
export interface FetchRecord {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | undefined;
  readonly status: number;
}

/** What UrlFetchApp's fetch returns. */
export class FakeHttpResponse implements GoogleAppsScript.URL_Fetch.HTTPResponse {
  constructor(
    private readonly status: number,
    private readonly headers: Readonly<Record<string, string>>,
    private readonly body: string,
  ) {}

  getResponseCode(): number {
    return this.status;
  }

  getContentText(): string {
    return this.body;
  }

  getHeaders(): object {
    return { ...this.headers };
  }

  getAllHeaders(): object {
    return { ...this.headers };
  }

  getContent(): number[] {
    return [...Buffer.from(this.body, 'utf8')];
  }

  getBlob(): GoogleAppsScript.Base.Blob {
    throw gasError('getBlob is not part of the fake.');
  }

  getAs(_contentType: string): GoogleAppsScript.Base.Blob {
    throw gasError('getAs is not part of the fake.');
  }
}

/**
 * `UrlFetchApp.fetch`, synchronous and real: requests go over loopback to a real server (see
 * `SyncFetcher`). Like Apps Script it refuses URLs outside the manifest's `urlFetchWhitelist`, throws
 * on HTTP errors unless `muteHttpExceptions` is set, and sends `payload` with `contentType`.
 */
export function fakeUrlFetchApp(
  fetcher: () => SyncFetcher,
  allowlist: readonly string[],
  log: FetchRecord[],
) {
  return {
    fetch(url: string, params: GoogleAppsScript.URL_Fetch.URLFetchRequestOptions = {}): FakeHttpResponse {
      if (allowlist.length > 0 && !allowlist.some((prefix) => url.startsWith(prefix))) {
        throw gasError(`Url not allowed by the urlFetchWhitelist of the manifest: ${url}`);
      }
      const method = (params.method ?? 'get').toUpperCase();
      const headers: Record<string, string> = {};
      for (const [key, value] of Object.entries(params.headers ?? {})) headers[key] = String(value);
      let body: string | undefined;
      if (params.payload !== undefined && method !== 'GET') {
        if (typeof params.payload !== 'string')
          throw gasError('The fake UrlFetchApp sends string payloads only.');
        body = params.payload;
        headers['Content-Type'] = params.contentType ?? 'application/x-www-form-urlencoded';
      }
      let response: { status: number; headers: Readonly<Record<string, string>>; body: string };
      try {
        response = fetcher().request({
          url,
          method,
          headers,
          ...(body === undefined ? {} : { body }),
          followRedirects: params.followRedirects ?? true,
          timeoutMs: 30_000,
        });
      } catch (error) {
        throw gasError(`Address unavailable: ${url} (${(error as Error).message})`);
      }
      log.push({ method, url, headers, body, status: response.status });
      if (response.status >= 400 && !params.muteHttpExceptions) {
        throw gasError(
          `Request failed for ${url} returned code ${response.status}. Truncated server response: ${response.body.slice(0, 200)} (use muteHttpExceptions option to examine full response)`,
        );
      }
      return new FakeHttpResponse(response.status, response.headers, response.body);
    },
  };
}

export const HTML_OUTPUT_CONFORMS: Mirrors<
  GoogleAppsScript.HTML.HtmlOutput,
  'getContent' | 'append' | 'setTitle' | 'getTitle' | 'setWidth' | 'getWidth' | 'setHeight' | 'getHeight'
> = FakeHtmlOutput.prototype;

export const MENU_CONFORMS: Mirrors<GoogleAppsScript.Base.Menu, 'addItem' | 'addSeparator' | 'addToUi'> =
  FakeMenu.prototype;

export const UI_CONFORMS: Mirrors<GoogleAppsScript.Base.Ui, 'createAddonMenu' | 'createMenu'> =
  FakeUi.prototype;
