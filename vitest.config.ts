import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['shared/**/*.test.ts', 'server/**/*.test.ts', 'appsscript/**/*.test.ts', 'test/**/*.test.ts'],
    // Builds appsscript/dist (Code.js, manifest, pages) for the add-on's bundle and browser tests.
    globalSetup: ['test/global-setup.ts'],
    // Property tests and CLI subprocesses can take a few seconds on a 2-core CI machine.
    testTimeout: 30_000,
    // Hooks start companions and databases (PGlite takes 2.5-5 s to create); a loaded CI machine needs room.
    hookTimeout: 60_000,
  },
});
