import { describe, expect, it } from 'vitest';
import { companyPairs, findDuplicates, isFreeMailDomain } from '../shared/dedup/index.ts';
import { detectColumns, toCanonicalRecords } from '../shared/mapping/index.ts';
import { domainOf } from '../shared/normalize/index.ts';
import { HEADERS, messySheet, truePairs } from './fixtures/messy-sheet.ts';

/**
 * Precision and recall of the matcher on labelled messy sheets (see fixtures/messy-sheet.ts), read the way
 * the CLI reads a CSV: headers recognised by name, rows translated to canonical records.
 */
function score(seed: number) {
  const rows = messySheet(seed, 150);
  const columns = detectColumns(HEADERS);
  const records = toCanonicalRecords(
    columns,
    rows.map((row) => HEADERS.map((header) => row.cells[header] ?? '')),
  );
  const result = findDuplicates(records, { defaultRegion: 'US' });
  const truth = truePairs(rows);
  const found = result.pairs.map((pair) => `${pair.a}:${pair.b}`);
  const correct = found.filter((pair) => truth.has(pair)).length;
  return { rows, result, truth, precision: correct / found.length, recall: correct / truth.size };
}

describe('dedup quality on labelled messy sheets', () => {
  it.each([1, 2, 3, 4, 5])('seed %i: precision ≥ 0.98 and recall ≥ 0.97', (seed) => {
    const { precision, recall, truth } = score(seed);
    expect(truth.size).toBeGreaterThan(100);
    expect(precision).toBeGreaterThanOrEqual(0.98);
    expect(recall).toBeGreaterThanOrEqual(0.97);
  });

  it('labels company-level pairs tier 4 and never pairs the same person or a consumer mailbox there', () => {
    const { rows, result, truth } = score(2);
    const company = companyPairs(result).pairs;
    expect(company.length).toBeGreaterThan(0);
    for (const pair of company) {
      expect(pair).toMatchObject({ tier: 4, rule: 'domain', confidence: 'company' });
      expect(truth.has(`${pair.a}:${pair.b}`)).toBe(false);
      // The two rows must share an organisation domain (email or website), never only a consumer one.
      const [left, right] = [rows[pair.a], rows[pair.b]].map(
        (row) =>
          new Set(
            [row?.cells['E-mail']?.split('@')[1], domainOf(row?.cells.Website ?? '')]
              .map((domain) => domain?.trim().toLowerCase())
              .filter((domain): domain is string => Boolean(domain) && !isFreeMailDomain(domain ?? '')),
          ),
      );
      expect([...(left ?? [])].some((domain) => right?.has(domain))).toBe(true);
    }
  });
});
