#!/usr/bin/env node
// The npm `bin` entry. Plain JavaScript so it runs without a build step: it teaches Node to load our
// TypeScript (tsx), then hands the arguments to the CLI. Everything else lives in server/cli/.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../server/cli/main.ts');
// exitCode rather than process.exit(): lets buffered stdout (e.g. a large --json report) drain first.
process.exitCode = await runCli(process.argv.slice(2));
