import { findDuplicates } from '../../shared/dedup/index.ts';
import { detectColumns, toCanonicalRecords } from '../../shared/mapping/index.ts';
import type { MergeField, SideValue } from '../../shared/merge/index.ts';
import { merge } from '../../shared/merge/index.ts';
import { normalizeValue } from '../../shared/normalize/index.ts';
import { HEADERS, largeSheet, messySheet, truePairs } from '../fixtures/messy-sheet.ts';
import { type Figure, peakHeap, time } from './measure.ts';

/** Dedup: 50,000 rows timed cold and warm, and precision/recall on the labelled sheets. */
export function dedupFigures(size = 50_000): Figure[] {
  const rows = largeSheet(size);
  const columns = detectColumns(HEADERS);
  const records = toCanonicalRecords(
    columns,
    rows.map((row) => HEADERS.map((header) => row[header] ?? '')),
  );
  const { coldMs, medianMs } = time(() => findDuplicates(records, { defaultRegion: 'US' }));
  let truth = 0;
  let found = 0;
  let correct = 0;
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    const sheet = messySheet(seed, 150);
    const labelled = toCanonicalRecords(
      columns,
      sheet.map((row) => HEADERS.map((header) => row.cells[header] ?? '')),
    );
    const expected = truePairs(sheet);
    const pairs = findDuplicates(labelled, { defaultRegion: 'US' }).pairs.map(
      (pair) => `${pair.a}:${pair.b}`,
    );
    truth += expected.size;
    found += pairs.length;
    correct += pairs.filter((pair) => expected.has(pair)).length;
  }
  return [
    {
      name: 'dedup 50,000 rows, first run',
      value: coldMs,
      unit: 'ms',
      compare: 'target: well under 1,000 ms',
    },
    {
      name: 'dedup 50,000 rows, warm median of 5',
      value: medianMs,
      unit: 'ms',
      compare: 'target: well under 1,000 ms',
    },
    { name: 'dedup throughput (warm)', value: 50_000 / (medianMs / 1000), unit: 'rows/s' },
    {
      name: 'dedup precision, 8 labelled messy sheets',
      value: correct / found,
      unit: 'ratio',
      compare: `${found} pairs reported`,
    },
    {
      name: 'dedup recall, 8 labelled messy sheets',
      value: correct / truth,
      unit: 'ratio',
      compare: `${truth} true pairs`,
    },
  ];
}

const FIELD_TYPES = [
  'email',
  'phone',
  'name',
  'name',
  'company',
  'text',
  'url',
  'country',
  'date',
  'number',
] as const;

/** Merge: 100,000 rows × 20 fields with a realistic mix of unchanged, one-sided and conflicting edits. */
export async function mergeFigures(rows = 100_000): Promise<Figure[]> {
  const fields: MergeField[] = Array.from({ length: 20 }, (_, i) => ({
    key: `f${i}`,
    type: FIELD_TYPES[i % FIELD_TYPES.length] ?? 'text',
    direction: 'both',
  }));
  // Plausible values per type: edits are other real values (a new number, another country), so the
  // figure reflects normalising real data rather than error paths.
  const sampleValue = (type: string, n: number): string => {
    const k = String(n % 10_000).padStart(4, '0');
    switch (type) {
      case 'email':
        return `ann.lee${n}@acme.com`;
      case 'phone':
        return n % 2 ? `+1 415 555 ${k}` : `(212) 555-${k}`;
      case 'name':
        return ['Ann Lee', 'José García', 'Zoë Müller'][n % 3] ?? '';
      case 'company':
        return `Acme ${n % 500} Inc`;
      case 'url':
        return `https://acme${n % 500}.com`;
      case 'country':
        return ['US', 'United Kingdom', 'Deutschland', 'France'][n % 4] ?? '';
      case 'date':
        return `2025-${String(1 + (n % 12)).padStart(2, '0')}-14`;
      case 'number':
        return `$${(n % 9000) + 1000}.50`;
      default:
        return `Status ${n % 7}`;
    }
  };
  const inputs = Array.from({ length: rows }, (_, row) => {
    const base: Record<string, string> = {};
    const sheet: Record<string, SideValue> = {};
    const crm: Record<string, SideValue> = {};
    fields.forEach((field, i) => {
      const value = sampleValue(field.type, row + i);
      base[field.key] = value;
      // 10% of fields edited in the sheet, 10% in the CRM, overlapping on 5% (conflicts or equal edits).
      const roll = (row * 31 + i * 7) % 100;
      sheet[field.key] = { value: roll < 10 ? sampleValue(field.type, row + i + 1) : value, changedAt: row };
      crm[field.key] = {
        value: roll >= 5 && roll < 15 ? sampleValue(field.type, row + i + 2) : value,
        changedAt: row + 1,
      };
    });
    return { fields, base, sheet, crm, policy: 'manual' as const };
  });
  const {
    result: ms,
    peakMb,
    peakRssMb,
  } = await peakHeap(() => {
    const start = performance.now();
    for (const input of inputs) merge(input);
    return performance.now() - start;
  });
  return [
    { name: `merge ${rows.toLocaleString('en-US')} rows × 20 fields`, value: ms, unit: 'ms' },
    {
      name: 'merge throughput',
      value: (rows * fields.length) / (ms / 1000),
      unit: 'fields/s',
      compare: 'rows × fields merged per second, one core, inputs built beforehand',
    },
    {
      name: 'merge peak heap above start',
      value: peakMb,
      unit: 'MB',
      compare: `peak RSS ${peakRssMb.toFixed(0)} MB for the whole process, inputs included`,
    },
  ];
}

/** Normalisation cost per value, by type, on distinct values (repeats would only measure the caches). */
export function normalizeFigures(): Figure[] {
  const n = 20_000;
  const cases: [Parameters<typeof normalizeValue>[0], (i: number) => string][] = [
    ['email', (i) => ` Ann.Lee${i}@ACME.com `],
    ['phone', (i) => `+44 20 ${String(10_000_000 + i).slice(-8)}`],
    ['name', (i) => `José  García ${i}`],
    ['date', (i) => `${1 + (i % 28)}/03/${1990 + (i % 30)}`],
    ['number', (i) => `$1,${String(i % 1000).padStart(3, '0')}.50`],
  ];
  return cases.map(([type, make]) => {
    let round = 0;
    const { medianMs } = time(() => {
      // Values never repeat, not even across rounds, so the phone cache cannot answer.
      const offset = round++ * n;
      for (let i = 0; i < n; i += 1) normalizeValue(type, make(offset + i), { region: 'GB' });
    }, 3);
    return { name: `normalize ${type}`, value: (medianMs * 1000) / n, unit: 'µs/value' };
  });
}
