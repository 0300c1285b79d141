/**
 * The brief's four matching tiers, strongest first. Tiers 1-3 say "same person"; tier 4 only says
 * "same company" and never merges people.
 */
export const TIERS = {
  1: { rule: 'email', confidence: 'highest', explanation: 'same email address (case-insensitive)' },
  2: { rule: 'phone', confidence: 'high', explanation: 'same phone number once normalised to E.164' },
  3: {
    rule: 'company_name',
    confidence: 'medium',
    explanation:
      'same company (legal suffixes, case and accents ignored) and a person name at most a typo apart',
  },
  4: { rule: 'domain', confidence: 'company', explanation: 'same organisation email or website domain' },
} as const;

export type Tier = keyof typeof TIERS;
export type PersonTier = Exclude<Tier, 4>;
export type MatchRule = (typeof TIERS)[Tier]['rule'];
export type Confidence = (typeof TIERS)[Tier]['confidence'];

/** A match between two records, with the rule that decided it. */
export interface MatchVerdict {
  readonly tier: Tier;
  readonly rule: MatchRule;
  readonly confidence: Confidence;
}

export function verdict(tier: Tier): MatchVerdict {
  return { tier, rule: TIERS[tier].rule, confidence: TIERS[tier].confidence };
}
