import { buildAddon } from '../appsscript/tools/build.ts';

/**
 * Builds the add-on into appsscript/dist once before any test file runs: the bundle guard loads the built
 * Code.js, and the browser and HtmlService tests load the built pages. One build for all test files
 * avoids two of them writing dist/ at once.
 */
export default async function setup(): Promise<void> {
  await buildAddon();
}
