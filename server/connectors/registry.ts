import { RowbridgeError } from '../../shared/errors.ts';
import type { CrmId } from '../../shared/mapping/index.ts';
import { hubspotProvider } from './hubspot/provider.ts';
import type { ProviderDescription } from './provider-schema.ts';
import { salesforceProvider } from './salesforce/provider.ts';

/**
 * Provider descriptions of the CRMs whose facts are established. The others get theirs with their
 * connector (each CRM's issue), from the vendor's own material rather than guesses.
 */
export const PROVIDERS: Readonly<Partial<Record<CrmId, ProviderDescription>>> = {
  hubspot: hubspotProvider,
  salesforce: salesforceProvider,
};

/** The provider description of `crm`; `not_found` for a CRM Rowbridge cannot describe yet. */
export function providerFor(crm: CrmId): ProviderDescription {
  const provider = PROVIDERS[crm];
  if (!provider) {
    throw new RowbridgeError(
      'not_found',
      `Rowbridge has no connector for ${crm} yet. Supported now: ${Object.keys(PROVIDERS).join(', ')}.`,
    );
  }
  return provider;
}
