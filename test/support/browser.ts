import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { describe } from 'vitest';

/** Debian's Chromium, as CI installs it (`apt-get install chromium`); never a downloaded browser. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags for a headless Chromium in a container: no sandbox, GPU, background traffic or first-run UI. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

const available = existsSync(CHROMIUM);
if (!available) {
  if (process.env.CI) {
    throw new Error(
      `Chromium is required in CI but ${CHROMIUM} does not exist. Install it (apt-get install chromium).`,
    );
  }
  console.warn(
    `[rowbridge tests] No Chromium at ${CHROMIUM}: the browser tests are skipped on this machine (CI runs them).`,
  );
}

/** A suite that needs a real browser: required in CI, skipped with the printed reason elsewhere. */
export function describeWithChromium(name: string, suite: () => void): void {
  describe.skipIf(!available)(name, suite);
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

/** A server function's outcome as the shim hands it to the page. */
type RunAnswer = { ok: true; value: unknown } | { ok: false; message: string };

// Runs in the page before its own script: Apps Script's client side, as far as the pages use it.
const SHIM = `(() => {
  const check = (value, path) => {
    if (value instanceof Date || typeof value === 'function' || typeof value === 'symbol') {
      throw new Error('Failed due to illegal value in property: ' + path);
    }
    if (value && typeof value === 'object') for (const [key, inner] of Object.entries(value)) check(inner, path ? path + '.' + key : key);
  };
  const runner = (success, failure, user) => new Proxy({}, {
    get(_, name) {
      if (name === 'withSuccessHandler') return (f) => runner(f, failure, user);
      if (name === 'withFailureHandler') return (f) => runner(success, f, user);
      if (name === 'withUserObject') return (o) => runner(success, failure, o);
      if (typeof name !== 'string') return undefined;
      return (...args) => {
        args.forEach((arg, i) => check(arg, String(i)));
        const copy = JSON.parse(JSON.stringify(args));
        setTimeout(() => {
          window.__gasRun(name, copy).then((answer) => {
            if (answer.ok) { if (success) success(answer.value, user); }
            else if (failure) failure(new Error(answer.message), user);
          });
        }, 0);
      };
    },
  });
  window.google = { script: {
    get run() { return runner(null, null, undefined); },
    host: { close() { window.__gasClose(); }, setHeight() {}, setWidth() {}, editor: { focus() {} } },
  } };
})();`;

/**
 * Where test pages are served from: like Apps Script's `*.googleusercontent.com` iframes, an origin of
 * their own, different from the companion's. The address is answered by `page.route`, never the network.
 */
export const PAGE_ORIGIN = 'https://n-rowbridge-script.googleusercontent.test';

/**
 * Loads an HTML page (the content of an `HtmlOutput`) as a navigation, so the script shim installed with
 * `addInitScript` runs first in the new document, as Google's client code does.
 */
export async function loadHtml(page: Page, name: string, html: string): Promise<void> {
  const url = `${PAGE_ORIGIN}/${name}.html`;
  await page.route(url, (route) =>
    route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }),
  );
  await page.goto(url);
}

function hasDate(value: unknown): boolean {
  if (value instanceof Date) return true;
  if (value && typeof value === 'object') return Object.values(value).some(hasDate);
  return false;
}

/**
 * Gives a page `google.script.run` and `google.script.host` as Apps Script does: a fresh runner per call
 * chain (`withSuccessHandler` and friends return a new runner), answers always asynchronous, Date and
 * function arguments refused, arguments and results copied as JSON (undefined in arrays becomes null).
 * Calls go to `server`, the add-on's real entry points running in this process against the in-memory
 * Apps Script. A result containing a Date fails the test: Apps Script would not deliver it intact.
 */
export async function installScriptShim(
  page: Page,
  server: Readonly<Record<string, unknown>>,
  hooks: { onClose?: () => void; failures: string[] },
): Promise<void> {
  await page.exposeFunction('__gasRun', (name: string, args: unknown[]): RunAnswer => {
    const fn = server[name];
    if (typeof fn !== 'function') return { ok: false, message: `Script function not found: ${name}` };
    try {
      const value: unknown = fn(...args);
      if (hasDate(value)) {
        hooks.failures.push(`${name} returned a Date`);
        return { ok: false, message: `${name} returned a Date, which google.script.run does not carry` };
      }
      return { ok: true, value: value === undefined ? null : JSON.parse(JSON.stringify(value)) };
    } catch (error) {
      return { ok: false, message: error instanceof Error ? error.message : String(error) };
    }
  });
  await page.exposeFunction('__gasClose', () => hooks.onClose?.());
  await page.addInitScript(SHIM);
}
