import type { CanonicalRecord } from '../../shared/mapping/index.ts';
import type { ProviderDescription } from '../connectors/provider-schema.ts';
import type { CrmConnector } from '../connectors/types.ts';
import { inQueries } from './candidates.ts';

type CampaignLink = NonNullable<ProviderDescription['campaigns']>;

export interface CampaignReport {
  /** People added to (or found already in) their campaign. */
  readonly linked: number;
  /** Campaign names no CRM campaign has: create them in the CRM, then export again. */
  readonly missing: readonly string[];
}

const nameOf = (values: CanonicalRecord) =>
  typeof values.campaign === 'string' ? values.campaign.trim() : '';

/**
 * Makes each person a member of the campaign their row names (Salesforce CampaignMember). Campaigns are
 * found by name in one batched search and never created from a sheet value: a typo must not become a
 * campaign. Joining twice is harmless (the CRM answers "already a member", which counts as done).
 */
export async function linkCampaigns(
  connector: CrmConnector,
  link: CampaignLink,
  personObject: string,
  rows: readonly { readonly crmId: string; readonly values: CanonicalRecord }[],
  dryRun: boolean,
): Promise<CampaignReport | undefined> {
  if (!link.people.includes(personObject)) return undefined;
  const named = rows.filter((row) => nameOf(row.values) !== '');
  if (named.length === 0) return undefined;
  const names = [...new Set(named.map((row) => nameOf(row.values)))];
  const found = await connector.findCandidates(link.object, inQueries(link.nameProperty, names), {
    properties: [link.nameProperty],
  });
  const idOf = new Map(
    found.map((record) => [String(record.properties[link.nameProperty] ?? '').toLowerCase(), record.id]),
  );
  const pairs = named.flatMap((row) => {
    const campaignId = idOf.get(nameOf(row.values).toLowerCase());
    return campaignId ? [{ fromId: row.crmId, toId: campaignId }] : [];
  });
  if (!dryRun && pairs.length > 0) await connector.associate(personObject, link.object, pairs);
  return { linked: pairs.length, missing: names.filter((name) => !idOf.has(name.toLowerCase())) };
}
