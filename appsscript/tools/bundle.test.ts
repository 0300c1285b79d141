import { readFileSync } from 'node:fs';
import { createContext, Script } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { EDIT_HANDLER } from '../src/live/triggers.ts';
import * as main from '../src/main.ts';
import { MENU_ITEMS, PAGES } from '../src/menu.ts';
import { entryStubs, GLOBAL_NAME } from './build.ts';
import { ADDON_SCOPES, allowlistEntry, companionUrlOf, DEFAULT_COMPANION_URL } from './manifest.ts';

// The guard on what `npm run build` wrote to appsscript/dist (test/global-setup.ts builds it first):
// what clasp pushes must work as Apps Script loads it, one global scope with no modules.
const dist = (name: string) => readFileSync(new URL(`../dist/${name}`, import.meta.url), 'utf8');
const code = dist('Code.js');
const ENTRY_POINTS = Object.keys(main);

/** Loads Code.js as Apps Script does: a classic script in a fresh global scope, with stub services. */
function loadBundle() {
  const menus: [string, string][] = [];
  const stubs = {
    SpreadsheetApp: {
      getUi: () => ({
        createAddonMenu: () => {
          const menu = {
            addItem: (caption: string, fn: string) => {
              menus.push([caption, fn]);
              return menu;
            },
            addToUi: () => undefined,
          };
          return menu;
        },
      }),
    },
  };
  const context = createContext({ ...stubs });
  const before = new Set(Object.keys(context));
  // A classic script (not a module): an `import` or `export` statement left in it is a SyntaxError here.
  new Script(code, { filename: 'Code.js' }).runInContext(context);
  const added = Object.keys(context).filter((key) => !before.has(key));
  return { context: context as Record<string, unknown>, added, menus };
}

describe('the built Code.js', () => {
  it('declares every entry point of src/main.ts as a top-level function, and no other global function', () => {
    const { context, added } = loadBundle();
    expect(ENTRY_POINTS.length).toBeGreaterThan(15);
    for (const name of ENTRY_POINTS) {
      expect(typeof context[name], name).toBe('function');
      // Apps Script lists, and lets google.script.run call, function declarations at the top level.
      expect(code, name).toMatch(new RegExp(`^function ${name}\\(\\)`, 'm'));
      expect(name.endsWith('_'), name).toBe(false);
    }
    const functions = added.filter((key) => typeof context[key] === 'function');
    expect(functions.sort()).toEqual([...ENTRY_POINTS].sort());
    // Besides the bundle's own global, only zod's registry (`__zod_globalConfig`, ...) lands in the scope.
    expect(added.filter((key) => typeof context[key] !== 'function')).toEqual(
      expect.arrayContaining([GLOBAL_NAME]),
    );
    for (const key of added) if (typeof context[key] !== 'function') expect(key).toMatch(/^__/);
  });

  it('keeps no import or export, static or dynamic', () => {
    expect(code).not.toMatch(/\bimport\s*\(|\bimport\.meta\b|^\s*(import|export)\s/m);
    expect(() => new Script(code)).not.toThrow();
  });

  it('runs an entry point through its stub: onOpen builds the menu, and every item names a global', () => {
    const { context, menus } = loadBundle();
    (context.onOpen as () => void)();
    expect(menus).toEqual(MENU_ITEMS.map(([caption, fn]) => [caption, fn]));
    for (const [, fn] of menus) expect(typeof context[fn], fn).toBe('function');
    expect(typeof context[EDIT_HANDLER]).toBe('function');
  });

  it('is small: the shared core tree-shaken, zod imported as a namespace', () => {
    expect(Buffer.byteLength(code)).toBeLessThan(200 * 1024);
    // libphonenumber's metadata is the largest thing `shared/normalize` could drag in; the add-on needs none.
    expect(code).not.toContain('libphonenumber');
    expect(code).not.toMatch(/"AC":\["247"/);
  });

  it('refuses entry point names Apps Script cannot call', () => {
    expect(entryStubs(['onOpen'])).toBe(
      `function onOpen() { return ${GLOBAL_NAME}.onOpen.apply(this, arguments); }`,
    );
    expect(() => entryStubs(['helper_'])).toThrow(/not ending in _/);
    expect(() => entryStubs(['no-dash'])).toThrow(/cannot be an Apps Script entry point/);
  });
});

describe('the built manifest and pages', () => {
  it('asks for exactly the scopes the add-on needs and allows only the companion', () => {
    const manifest = JSON.parse(dist('appsscript.json'));
    expect(manifest.runtimeVersion).toBe('V8');
    expect(manifest.oauthScopes).toEqual([...ADDON_SCOPES]);
    const url = companionUrlOf(process.env.ROWBRIDGE_COMPANION_URL);
    expect(manifest.urlFetchWhitelist).toEqual([allowlistEntry(url)]);
    expect(code).toContain(JSON.stringify(url));
  });

  it('checks the companion URL at build time', () => {
    expect(companionUrlOf(undefined)).toBe(DEFAULT_COMPANION_URL);
    expect(companionUrlOf(' https://rowbridge.example.com/base/ ')).toBe(
      'https://rowbridge.example.com/base',
    );
    expect(allowlistEntry('https://rowbridge.example.com')).toBe('https://rowbridge.example.com/');
    expect(() => companionUrlOf('ftp://x.example')).toThrow(/http\(s\)/);
    expect(() => companionUrlOf('not a url')).toThrow(/not a URL/);
  });

  it.each(Object.values(PAGES))(
    '%s.html is one self-contained file with its script and styles inlined',
    (page) => {
      const html = dist(`${page}.html`);
      expect(html).toMatch(/<style>[^<]{500,}<\/style>/);
      expect(html).toMatch(/<script>[\s\S]{1000,}<\/script>/);
      expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+stylesheet|\/\*INLINE_/);
      // Links must leave Google's sandboxed iframe (apps-script.md, Sidebar and dialogs).
      expect(html).toContain('<base target="_top"');
      expect(Buffer.byteLength(html)).toBeLessThan(40 * 1024);
    },
  );
});
