/**
 * `npm run bench`: measures the figures Rowbridge's claims rest on and prints them as a markdown table,
 * writing bench/results.json too. Not part of `npm test`: timings belong in a report, not in assertions.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { dedupFigures, mergeFigures, normalizeFigures } from './core.ts';
import { hubspotCallFigures, hubspotTimeFigures } from './hubspot.ts';
import type { Figure } from './measure.ts';
import { webhookFigures } from './webhooks.ts';

function format(value: number, unit: string): string {
  if (unit === 'ratio') return value.toFixed(3);
  if (value >= 100_000) return Math.round(value).toLocaleString('en-US');
  return value >= 100 ? value.toFixed(0) : value.toFixed(2);
}

const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
const figures: Figure[] = [
  ...dedupFigures(),
  ...(await mergeFigures()),
  ...normalizeFigures(),
  ...(await hubspotCallFigures()),
  ...(await hubspotTimeFigures()),
  ...(await webhookFigures()),
];
const table = [
  `Machine: ${machine}`,
  '',
  '| Figure | Value | Unit | Compared with |',
  '|---|---:|---|---|',
  ...figures.map((f) => `| ${f.name} | ${format(f.value, f.unit)} | ${f.unit} | ${f.compare ?? ''} |`),
].join('\n');
console.log(table);
const out = join(import.meta.dirname, '..', '..', 'bench');
await mkdir(out, { recursive: true });
await writeFile(
  join(out, 'results.json'),
  `${JSON.stringify({ measuredAt: new Date().toISOString(), machine, figures }, null, 2)}\n`,
);
console.log(`\nWrote ${join('bench', 'results.json')}`);
