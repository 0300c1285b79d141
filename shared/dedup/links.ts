import type { Identity } from './identity.ts';
import {
  disagree,
  emailsDisagree,
  isRoleAddress,
  namesCompatible,
  namesMatch,
  supportScore,
} from './similarity.ts';
import type { PersonTier } from './tiers.ts';

/** Evidence that records `a` and `b` (indexes, a < b) are one person, by the rule of `tier`. */
export interface Link {
  readonly a: number;
  readonly b: number;
  readonly tier: PersonTier;
  /** How much else agrees; orders candidates within a tier so the best-supported link is taken first. */
  readonly score: number;
}

/** Index buckets larger than this are compared star-wise (each to the first) instead of pairwise. */
const PAIRWISE_LIMIT = 64;
/** Company buckets larger than this are split by name before names are compared. */
const COMPANY_PAIRWISE_LIMIT = 4;

type PairVisitor = (a: number, b: number) => void;

const NONE: readonly string[] = [];

/** The company key of a record that tier 3 can use (it needs a surname too). */
export function companyOf(identity: Identity): readonly string[] {
  return identity.company && identity.last ? [identity.company] : NONE;
}

export function bucketsOf(
  identities: readonly Identity[],
  keysOf: (identity: Identity) => readonly string[],
) {
  const buckets = new Map<string, number[]>();
  identities.forEach((identity, index) => {
    for (const key of keysOf(identity)) {
      const bucket = buckets.get(key);
      if (bucket) bucket.push(index);
      else buckets.set(key, [index]);
    }
  });
  return buckets;
}

/**
 * Like `bucketsOf`, but only keys held by two or more records: all a batch needs. Most identifiers are
 * unique, and not making an array for each of them halves the garbage a 50,000-row sheet makes.
 */
export function sharedBuckets(
  identities: readonly Identity[],
  keysOf: (identity: Identity) => readonly string[],
): Map<string, number[]> {
  const first = new Map<string, number>();
  const shared = new Map<string, number[]>();
  identities.forEach((identity, index) => {
    for (const key of keysOf(identity)) {
      const bucket = shared.get(key);
      if (bucket) {
        bucket.push(index);
        continue;
      }
      const earlier = first.get(key);
      if (earlier === undefined) first.set(key, index);
      else if (earlier !== index) shared.set(key, [earlier, index]);
    }
  });
  return shared;
}

/** Visits the pairs of a bucket: all of them, or star-wise for a huge one (a shared inbox, a switchboard). */
export function forEachPair(bucket: readonly number[], visit: PairVisitor): void {
  if (bucket.length > PAIRWISE_LIMIT) {
    const first = bucket[0] ?? 0;
    for (let j = 1; j < bucket.length; j += 1) visit(first, bucket[j] ?? 0);
    return;
  }
  for (let i = 0; i < bucket.length; i += 1) {
    for (let j = i + 1; j < bucket.length; j += 1) visit(bucket[i] ?? 0, bucket[j] ?? 0);
  }
}

/**
 * Visits the pairs within one company worth comparing by name. Small companies: every pair. Larger
 * ones: pairs sharing the first two letters of some name word. Names within two typos almost always do
 * (both words would need a typo in their first two letters); swapped first/last names and short forms
 * with the same surname share words too.
 */
function forEachNamePair(
  bucket: readonly number[],
  identities: readonly Identity[],
  visit: PairVisitor,
): void {
  if (bucket.length <= COMPANY_PAIRWISE_LIMIT) {
    forEachPair(bucket, visit);
    return;
  }
  const byPrefix = new Map<string, number[]>();
  for (const index of bucket) {
    const identity = identities[index];
    if (!identity) continue;
    for (const prefix of new Set([identity.first.slice(0, 2), identity.last.slice(0, 2)])) {
      const block = byPrefix.get(prefix);
      if (block) block.push(index);
      else byPrefix.set(prefix, [index]);
    }
  }
  const seen = new Set<number>();
  const width = identities.length;
  for (const block of byPrefix.values()) {
    for (let i = 0; i < block.length; i += 1) {
      for (let j = i + 1; j < block.length; j += 1) {
        const [a, b] = [block[i] ?? 0, block[j] ?? 0];
        const key = a < b ? a * width + b : b * width + a;
        if (seen.has(key)) continue;
        seen.add(key);
        visit(a, b);
      }
    }
  }
}

/**
 * Whether the pair can be linked at `tier` on record-level evidence alone. A weaker tier never links
 * records whose stronger identifiers disagree: two different work emails sharing a switchboard number
 * are two people. A shared phone or team inbox with clearly different names is also not one person.
 */
export function acceptable(tier: PersonTier, x: Identity, y: Identity, sharedEmail?: string): boolean {
  if (tier === 1) return !(sharedEmail && isRoleAddress(sharedEmail)) || namesCompatible(x, y);
  if (emailsDisagree(x.mailboxes, y.mailboxes)) return false;
  if (tier === 2) return namesCompatible(x, y);
  return !disagree(x.phones, y.phones);
}

/**
 * Candidate person links within one batch, found through an index per identifier (email, phone,
 * company), never by comparing every pair of rows.
 */
export function findLinks(identities: readonly Identity[]): Link[] {
  const links: Link[] = [];
  const add = (a: number, b: number, tier: PersonTier) => {
    const [x, y] = a < b ? [a, b] : [b, a];
    const left = identities[x];
    const right = identities[y];
    if (left && right) links.push({ a: x, b: y, tier, score: supportScore(left, right) });
  };

  // Visitors are made once, not per bucket: a 50,000-row sheet has 50,000 buckets per identifier.
  let sharedEmail = '';
  const byEmail = (a: number, b: number) => {
    const [x, y] = [identities[a], identities[b]];
    if (x && y && acceptable(1, x, y, sharedEmail)) add(a, b, 1);
  };
  const byPhone = (a: number, b: number) => {
    const [x, y] = [identities[a], identities[b]];
    if (x && y && acceptable(2, x, y)) add(a, b, 2);
  };
  const byName = (a: number, b: number) => {
    const [x, y] = [identities[a], identities[b]];
    if (x && y && namesMatch(x, y) && acceptable(3, x, y)) add(a, b, 3);
  };
  for (const [email, bucket] of sharedBuckets(identities, (id) => id.emails)) {
    sharedEmail = email;
    forEachPair(bucket, byEmail);
  }
  for (const bucket of sharedBuckets(identities, (id) => id.phones).values()) forEachPair(bucket, byPhone);
  for (const bucket of sharedBuckets(identities, companyOf).values())
    forEachNamePair(bucket, identities, byName);
  return links.sort((p, q) => p.tier - q.tier || q.score - p.score || p.a - q.a || p.b - q.b);
}
