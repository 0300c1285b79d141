/**
 * `npm run bench`: measures the figures Rowbridge's claims rest on and prints them as a markdown table,
 * writing bench/results.json too. Not part of `npm test`: timings belong in a report, not in assertions
 * (`bench.test.ts` runs every section small, to keep this script working).
 *
 * `ROWBRIDGE_LOAD_SECONDS` shortens the load test (default 60).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { dedupFigures, mergeFigures, normalizeFigures } from './core.ts';
import { hubspotCallFigures, hubspotFreeTierFigures } from './hubspot.ts';
import { loadFigures } from './load.ts';
import type { Figure } from './measure.ts';
import { salesforceCallFigures } from './salesforce.ts';
import { webhookFigures } from './webhooks.ts';

const env = z
  .object({ ROWBRIDGE_LOAD_SECONDS: z.coerce.number().int().min(1).max(600).default(60) })
  .parse(process.env);

function format(value: number, unit: string): string {
  if (unit === 'ratio') return value.toFixed(3);
  if (Math.abs(value) >= 1_000) return Math.round(value).toLocaleString('en-US');
  if (Math.abs(value) >= 100) return value.toFixed(0);
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

/** The machine the figures were measured on, as results.json and the README quote it. */
function machine() {
  const cores = cpus();
  return {
    cpu: cores[0]?.model.trim() ?? 'unknown CPU',
    cores: cores.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}

const sections: [string, () => Figure[] | Promise<Figure[]>][] = [
  ['dedup', dedupFigures],
  ['merge', mergeFigures],
  ['normalize', normalizeFigures],
  ['hubspot-calls', () => hubspotCallFigures()],
  ['salesforce-calls', () => salesforceCallFigures()],
  ['hubspot-free-tier', () => hubspotFreeTierFigures()],
  ['webhooks', () => webhookFigures()],
  ['load', () => loadFigures({ seconds: env.ROWBRIDGE_LOAD_SECONDS })],
];

const started = performance.now();
const results: { section: string; seconds: number; figures: Figure[] }[] = [];
for (const [section, run] of sections) {
  const t0 = performance.now();
  process.stderr.write(`bench: ${section}...`);
  const figures = await run();
  const seconds = (performance.now() - t0) / 1000;
  process.stderr.write(` ${seconds.toFixed(1)} s\n`);
  results.push({ section, seconds, figures });
}
const totalSeconds = (performance.now() - started) / 1000;

const where = machine();
const table = [
  `Machine: ${where.cores} × ${where.cpu}, ${where.memoryGiB} GiB, Node ${where.node} (${where.platform}); whole run ${totalSeconds.toFixed(0)} s`,
  '',
  '| Figure | Value | Unit | Compared with (same run) |',
  '|---|---:|---|---|',
  ...results.flatMap(({ figures }) =>
    figures.map((f) => `| ${f.name} | ${format(f.value, f.unit)} | ${f.unit} | ${f.compare ?? ''} |`),
  ),
].join('\n');
console.log(table);
const out = join(import.meta.dirname, '..', '..', 'bench');
await mkdir(out, { recursive: true });
await writeFile(
  join(out, 'results.json'),
  `${JSON.stringify({ measuredAt: new Date().toISOString(), machine: where, totalSeconds, sections: results }, null, 2)}\n`,
);
console.log(`\nWrote ${join('bench', 'results.json')}`);
