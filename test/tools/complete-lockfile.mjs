#!/usr/bin/env node
// The npm registry reachable from this project's machines serves only the glibc Linux builds of Biome's
// platform packages, so `npm install` here writes a lock without the others, and `npm ci` then refuses
// that lock ("Missing: @biomejs/cli-darwin-x64 from lock file"). This adds the missing entries with
// their os/cpu/libc constraints: npm skips them on other platforms and fetches them where they fit.
// Run after `npm install` changes the lock: `node test/tools/complete-lockfile.mjs`.
import { readFileSync, writeFileSync } from 'node:fs';

const PLATFORMS = {
  'cli-win32-x64': ['win32', 'x64'],
  'cli-win32-arm64': ['win32', 'arm64'],
  'cli-darwin-x64': ['darwin', 'x64'],
  'cli-darwin-arm64': ['darwin', 'arm64'],
  'cli-linux-x64': ['linux', 'x64', 'glibc'],
  'cli-linux-arm64': ['linux', 'arm64', 'glibc'],
  'cli-linux-x64-musl': ['linux', 'x64', 'musl'],
  'cli-linux-arm64-musl': ['linux', 'arm64', 'musl'],
  'cli-android-x64': ['android', 'x64'],
  'cli-android-arm64': ['android', 'arm64'],
};

const path = new URL('../../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(path, 'utf8'));
const biome = lock.packages['node_modules/@biomejs/biome'];
let added = 0;
for (const [name, [os, cpu, libc]] of Object.entries(PLATFORMS)) {
  const key = `node_modules/@biomejs/${name}`;
  if (lock.packages[key]) continue;
  lock.packages[key] = {
    version: biome.version,
    cpu: [cpu],
    dev: true,
    ...(libc ? { libc: [libc] } : {}),
    license: biome.license,
    optional: true,
    os: [os],
    engines: biome.engines,
  };
  added += 1;
}
const sorted = Object.fromEntries(
  Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))),
);
writeFileSync(path, `${JSON.stringify({ ...lock, packages: sorted }, null, 2)}\n`);
console.log(
  added ? `Added ${added} Biome platform entries to package-lock.json.` : 'package-lock.json is complete.',
);
