/**
 * What the build writes into the bundle through esbuild's `define` (see `tools/build.ts`); the test fake
 * sets the same global. Apps Script has no environment variables, so the companion's URL is fixed at
 * build time and must match the manifest's `urlFetchWhitelist`.
 */
declare const ROWBRIDGE_BUILD: { readonly companionUrl: string; readonly version: string };

/** The companion's base URL, without a trailing slash. */
export function companionUrl(): string {
  return ROWBRIDGE_BUILD.companionUrl.replace(/\/+$/, '');
}

/** The add-on's version, as in package.json when it was built. */
export function addonVersion(): string {
  return ROWBRIDGE_BUILD.version;
}
