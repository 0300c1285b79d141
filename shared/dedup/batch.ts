import { buildIdentity, type DedupOptions, type DedupRecord, type Identity } from './identity.ts';
import { findLinks, type Link, sharedBuckets } from './links.ts';
import { disagree, emailsDisagree, namesCompatible } from './similarity.ts';
import { type MatchVerdict, TIERS, type Tier, verdict } from './tiers.ts';

/** Two records judged duplicates; `a < b` are indexes into the input. */
export interface DuplicatePair extends MatchVerdict {
  readonly a: number;
  readonly b: number;
}

/** A link the matcher refused because it would have merged two people: for manual review. */
export interface AmbiguousLink extends MatchVerdict {
  readonly a: number;
  readonly b: number;
  readonly reason: string;
}

/** Records of one organisation (tier 4): they share a company email or website domain. */
export interface CompanyGroup {
  readonly domain: string;
  /** Record indexes, ascending; they belong to at least two different people. */
  readonly members: number[];
}

export interface DedupResult {
  /**
   * Every pair within a group of person duplicates (tiers 1-3; not only a chain), with the strongest
   * rule linking them. Tier-4 pairs are not listed here (a large company would make them quadratic):
   * see `companies` and `companyPairs`.
   */
  readonly pairs: DuplicatePair[];
  /** Groups of two or more records judged to be one person, each sorted, largest first. */
  readonly groups: number[][];
  readonly ambiguous: AmbiguousLink[];
  readonly companies: CompanyGroup[];
  /** The person group a record belongs to (a representative index): equal for duplicates. */
  readonly personOf: (index: number) => number;
}

/** Per-group facts the merge checks, kept at the group's root. */
interface Group {
  members: number[];
  mailboxes: string[];
  phones: string[];
}

/** Groups larger than this skip the member-by-member name check (cost); emails and phones still apply. */
const NAME_CHECK_LIMIT = 25;

function refusal(link: Link, left: Group, right: Group, identities: readonly Identity[]): string | undefined {
  if (link.tier === 1) return undefined;
  if (emailsDisagree(left.mailboxes, right.mailboxes))
    return 'the two records belong to people with different email addresses';
  if (link.tier === 3 && disagree(left.phones, right.phones)) {
    return 'the two records belong to people with different phone numbers';
  }
  // A shared line or inbox must not merge different people: some member of each side has to carry a
  // compatible name. "Some", not "every": one person's rows drift apart by a typo per copy.
  if (left.members.length <= NAME_CHECK_LIMIT && right.members.length <= NAME_CHECK_LIMIT) {
    const agree = left.members.some((x) =>
      right.members.some((y) => {
        const [p, q] = [identities[x], identities[y]];
        return !p || !q || namesCompatible(p, q);
      }),
    );
    if (!agree) return 'the two records name different people';
  }
  return undefined;
}

/**
 * Finds duplicate people in one batch of records (sheet rows). Links are taken strongest first
 * (Kruskal's order), so the tier at which two records first join is the strongest chain between them;
 * a link that would join groups whose emails or phones disagree is refused and reported as ambiguous.
 * Records of one organisation that are different people are listed in `companies` (tier 4).
 */
export function findDuplicates(records: readonly DedupRecord[], options: DedupOptions = {}): DedupResult {
  const identities = records.map((record) => buildIdentity(record, options));
  const parent = identities.map((_, index) => index);
  const groups = new Map<number, Group>(
    identities.map((id, index) => [
      index,
      { members: [index], mailboxes: [...id.mailboxes], phones: [...id.phones] },
    ]),
  );
  const find = (index: number): number => {
    let root = index;
    while (parent[root] !== root) root = parent[root] ?? root;
    for (let node = index; parent[node] !== root; ) {
      const next = parent[node] ?? root;
      parent[node] = root;
      node = next;
    }
    return root;
  };

  const pairs: DuplicatePair[] = [];
  const ambiguous: AmbiguousLink[] = [];
  for (const link of findLinks(identities)) {
    const [ra, rb] = [find(link.a), find(link.b)];
    if (ra === rb) continue;
    const [left, right] = [groups.get(ra), groups.get(rb)];
    if (!left || !right) continue;
    const reason = refusal(link, left, right, identities);
    if (reason) {
      ambiguous.push({ a: link.a, b: link.b, ...verdict(link.tier), reason });
      continue;
    }
    for (const x of left.members) {
      for (const y of right.members)
        pairs.push({ a: Math.min(x, y), b: Math.max(x, y), ...verdict(link.tier) });
    }
    const [big, small, bigRoot, smallRoot] =
      left.members.length >= right.members.length ? [left, right, ra, rb] : [right, left, rb, ra];
    parent[smallRoot] = bigRoot;
    big.members.push(...small.members);
    big.mailboxes = [...new Set([...big.mailboxes, ...small.mailboxes])];
    big.phones = [...new Set([...big.phones, ...small.phones])];
    groups.delete(smallRoot);
  }

  const companies: CompanyGroup[] = [];
  for (const [domain, bucket] of sharedBuckets(identities, (id) => id.domains)) {
    if (new Set(bucket.map(find)).size > 1) companies.push({ domain, members: bucket });
  }
  companies.sort((x, y) => y.members.length - x.members.length || x.domain.localeCompare(y.domain));

  pairs.sort((p, q) => p.a - q.a || p.b - q.b);
  const personGroups = [...groups.values()]
    .filter((group) => group.members.length > 1)
    .map((group) => group.members.sort((x, y) => x - y))
    .sort((x, y) => y.length - x.length || (x[0] ?? 0) - (y[0] ?? 0));
  return { pairs, groups: personGroups, ambiguous, companies, personOf: find };
}

/**
 * Tier-4 pairs: records sharing an organisation domain that are not the same person, each pair once.
 * Stops after `limit` pairs (a company of 5,000 rows alone has 12.5 million) and says so.
 */
export function companyPairs(
  result: DedupResult,
  limit = 1_000_000,
): { pairs: DuplicatePair[]; truncated: boolean } {
  const seen = new Set<string>();
  const pairs: DuplicatePair[] = [];
  for (const company of result.companies) {
    const members = company.members;
    for (let i = 0; i < members.length; i += 1) {
      for (let j = i + 1; j < members.length; j += 1) {
        const [a, b] = [members[i] ?? 0, members[j] ?? 0];
        const key = `${a}:${b}`;
        if (seen.has(key) || result.personOf(a) === result.personOf(b)) continue;
        if (pairs.length >= limit) return { pairs, truncated: true };
        seen.add(key);
        pairs.push({ a, b, ...verdict(4) });
      }
    }
  }
  return { pairs, truncated: false };
}

/** One sentence on why a pair matched, for the sidebar and CLI. */
export function explainTier(tier: Tier): string {
  return TIERS[tier].explanation;
}
