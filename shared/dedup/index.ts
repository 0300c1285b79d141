export {
  type AmbiguousLink,
  type CompanyGroup,
  companyPairs,
  type DedupResult,
  type DuplicatePair,
  explainTier,
  findDuplicates,
} from './batch.ts';
export { isFreeMailDomain } from './free-mail.ts';
export { buildIdentity, type DedupOptions, type DedupRecord, type Identity } from './identity.ts';
export { type Candidate, ExistingRecordIndex, matchAgainst, type RowMatch } from './match.ts';
export {
  type Confidence,
  type MatchRule,
  type MatchVerdict,
  type PersonTier,
  TIERS,
  type Tier,
} from './tiers.ts';
