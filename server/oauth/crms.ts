import type { CrmId } from '../../shared/mapping/schema.ts';
import type { OAuthClientConfig, TokenSet } from './client.ts';

/** What one connect flow carries besides who started it: the login host the user chose (Salesforce). */
export interface OAuthFlow {
  readonly loginUrl?: string;
}

/** The CRM account behind fresh tokens, and where the connection reaches it. */
export interface ConnectedAccount {
  readonly accountId: string;
  readonly label: string;
  /** The account's own API host (Salesforce `instance_url`). */
  readonly instanceUrl?: string;
  /** Where the account signs in and refreshes (Salesforce login host), kept on the connection. */
  readonly loginUrl?: string;
  /** The CRM user the tokens act as: their changes are Rowbridge's own echoes. */
  readonly crmUserId?: string;
}

/** What the connect flow needs to know about one CRM that connects through OAuth. */
export interface OAuthCrm {
  readonly crm: CrmId;
  readonly label: string;
  /** The OAuth client of one flow (its endpoints follow the flow's login host where the CRM has several). */
  client(flow: OAuthFlow): OAuthClientConfig;
  /**
   * Checks the login host a user asked for and returns the one the flow uses. Absent for CRMs with one
   * login host, which refuse any choice.
   */
  loginUrl?(requested: string | undefined): string;
  /** The CRM account behind fresh tokens (HubSpot portal, Salesforce org), to label the connection. */
  account(tokens: TokenSet, flow: OAuthFlow): Promise<ConnectedAccount>;
}

/** The CRMs configured on this companion (credentials in production, the sandboxes in sandbox mode). */
export type OAuthCrms = Partial<Record<CrmId, OAuthCrm>>;
