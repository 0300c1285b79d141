import type { CrmId } from '../../shared/mapping/schema.ts';
import type { OAuthClientConfig, TokenSet } from './client.ts';

/** What the connect flow needs to know about one CRM that connects through OAuth. */
export interface OAuthCrm {
  readonly crm: CrmId;
  readonly label: string;
  readonly client: OAuthClientConfig;
  /** The CRM account behind fresh tokens (HubSpot portal, Salesforce org), to label the connection. */
  account(tokens: TokenSet): Promise<{ accountId: string; label: string }>;
}

/** The CRMs configured on this companion (credentials in production, the sandboxes in sandbox mode). */
export type OAuthCrms = Partial<Record<CrmId, OAuthCrm>>;
