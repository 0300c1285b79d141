import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { messySheet, toCsv, truePairs } from './fixtures/messy-sheet.ts';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '..', 'bin', 'rowbridge.js');

/** Runs the real CLI in a child process; never throws, returns what a shell user would see. */
async function rowbridge(...args: string[]) {
  try {
    const { stdout, stderr } = await run('node', [BIN, ...args], { maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rowbridge-dedup-'));
});

describe('rowbridge dedup', () => {
  it('--json prints exactly one JSON object whose pairs use sheet row numbers', async () => {
    const rows = messySheet(5, 120);
    const file = join(dir, 'prospects.csv');
    await writeFile(file, `\uFEFF${toCsv(rows)}`);
    const { code, stdout, stderr } = await rowbridge('dedup', file, '--json', '--region', 'US');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as { pairs: Record<string, unknown>[] };
    expect(Object.keys(report)).toEqual(['pairs']);
    for (const pair of report.pairs) {
      expect(Object.keys(pair).sort()).toEqual(['a', 'b', 'confidence', 'rule', 'tier']);
      expect(pair.a as number).toBeGreaterThanOrEqual(2);
      expect(pair.a as number).toBeLessThan(pair.b as number);
    }
    // Row n of the sheet is data row n - 2: the person pairs must be the true duplicates.
    const truth = truePairs(rows);
    const people = report.pairs.filter((pair) => (pair.tier as number) < 4);
    const correct = people.filter((pair) => truth.has(`${(pair.a as number) - 2}:${(pair.b as number) - 2}`));
    expect(correct.length / people.length).toBeGreaterThanOrEqual(0.98);
    expect(correct.length / truth.size).toBeGreaterThanOrEqual(0.97);
    expect(report.pairs.some((pair) => pair.tier === 4 && pair.rule === 'domain')).toBe(true);
  });

  it('prints a readable table without --json', async () => {
    const file = join(dir, 'small.csv');
    await writeFile(
      file,
      'Name,E-mail,Mobile,Company Name\r\nAnn Lee,ann@acme.com,,Acme\r\nAnne Lee,ANN@ACME.COM,,Acme Inc\r\nBob Stone,,,Globex\r\n',
    );
    const { code, stdout } = await rowbridge('dedup', file);
    expect(code).toBe(0);
    expect(stdout).toContain('3 rows, 1 people with more than one row (1 duplicate pairs)');
    expect(stdout).toMatch(/2 & 3\s+1\s+email\s+highest/);
  });

  it.each([
    ['a missing file', ['missing.csv'], /No file at .*missing\.csv/],
    ['an Excel workbook', ['book.xlsx'], /Excel workbook.*not CSV/],
    [
      'no recognisable columns',
      ['numbers.csv'],
      /no column that looks like an email, phone, name or company/,
    ],
    ['an empty file', ['empty.csv'], /.+/],
  ])('refuses %s with one line and exit code 1', async (_what, [name], message) => {
    await writeFile(join(dir, 'book.xlsx'), Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00]));
    await writeFile(join(dir, 'numbers.csv'), 'a,b,c\n1,2,3\n');
    await writeFile(join(dir, 'empty.csv'), '');
    const { code, stdout, stderr } = await rowbridge('dedup', join(dir, name ?? ''));
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/^rowbridge: /);
    expect(stderr).toMatch(message);
  });

  it('refuses bad arguments with exit code 2', async () => {
    expect((await rowbridge('dedup')).code).toBe(2);
    expect((await rowbridge('dedup', 'a.csv', 'b.csv')).code).toBe(2);
    const region = await rowbridge('dedup', 'a.csv', '--region', 'XX');
    expect(region.code).toBe(2);
    expect(region.stderr).toContain('not a country code');
  });
});
