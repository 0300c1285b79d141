import { buildIdentity, type DedupOptions, type DedupRecord, type Identity } from './identity.ts';
import { acceptable, bucketsOf, companyOf } from './links.ts';
import { namesMatch, supportScore } from './similarity.ts';
import { type MatchVerdict, type PersonTier, verdict } from './tiers.ts';

/** One existing record a row would duplicate. */
export interface Candidate extends MatchVerdict {
  /** Index into the `existing` array. */
  readonly record: number;
  readonly score: number;
}

export interface RowMatch {
  /** The existing person record to update instead of creating one; absent when nobody matches. */
  readonly best?: Candidate;
  /** Other person records that also matched: flagged for manual review. */
  readonly others: Candidate[];
  /** More than one existing person record matched: the update goes to `best` only after review. */
  readonly ambiguous: boolean;
  /** Records at the same organisation (tier 4) when no person matched: company-level only. */
  readonly sameCompany: Candidate[];
}

/**
 * A matcher over a set of existing records (e.g. the CRM's contacts), built once and asked per row:
 * "would this row duplicate anything?". Uses the same tiers and refusals as `findDuplicates`.
 */
export class ExistingRecordIndex {
  readonly #identities: Identity[];
  readonly #byEmail: Map<string, number[]>;
  readonly #byPhone: Map<string, number[]>;
  readonly #byCompany: Map<string, number[]>;
  readonly #byDomain: Map<string, number[]>;
  readonly #options: DedupOptions;

  constructor(existing: readonly DedupRecord[], options: DedupOptions = {}) {
    this.#options = options;
    this.#identities = existing.map((record) => buildIdentity(record, options));
    this.#byEmail = bucketsOf(this.#identities, (id) => id.emails);
    this.#byPhone = bucketsOf(this.#identities, (id) => id.phones);
    this.#byCompany = bucketsOf(this.#identities, companyOf);
    this.#byDomain = bucketsOf(this.#identities, (id) => id.domains);
  }

  /** The existing records `row` matches, best first. */
  match(row: DedupRecord): RowMatch {
    const id = buildIdentity(row, this.#options);
    const found = new Map<number, Candidate>();
    const consider = (record: number, tier: PersonTier, sharedEmail?: string) => {
      const other = this.#identities[record];
      const previous = found.get(record);
      if (!other || (previous && previous.tier <= tier)) return;
      if (!acceptable(tier, id, other, sharedEmail)) return;
      found.set(record, { record, score: supportScore(id, other), ...verdict(tier) });
    };
    for (const email of id.emails)
      for (const record of this.#byEmail.get(email) ?? []) consider(record, 1, email);
    for (const phone of id.phones) for (const record of this.#byPhone.get(phone) ?? []) consider(record, 2);
    if (id.company && id.last) {
      for (const record of this.#byCompany.get(id.company) ?? []) {
        const other = this.#identities[record];
        if (other && namesMatch(id, other)) consider(record, 3);
      }
    }
    const ranked = [...found.values()].sort(
      (p, q) => p.tier - q.tier || q.score - p.score || p.record - q.record,
    );
    const [best, ...others] = ranked;
    const sameCompany: Candidate[] = [];
    if (!best) {
      const seen = new Set<number>();
      for (const domain of id.domains) {
        for (const record of this.#byDomain.get(domain) ?? []) {
          const other = this.#identities[record];
          if (!other || seen.has(record)) continue;
          seen.add(record);
          sameCompany.push({ record, score: supportScore(id, other), ...verdict(4) });
        }
      }
    }
    return best
      ? { best, others, ambiguous: others.length > 0, sameCompany }
      : { others, ambiguous: false, sameCompany };
  }
}

/** Matches each row against the existing records (see `ExistingRecordIndex`). */
export function matchAgainst(
  rows: readonly DedupRecord[],
  existing: readonly DedupRecord[],
  options: DedupOptions = {},
): RowMatch[] {
  const index = new ExistingRecordIndex(existing, options);
  return rows.map((row) => index.match(row));
}
