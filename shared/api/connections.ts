import * as z from 'zod';
import { CRM_IDS } from '../mapping/schema.ts';
import { idSchema, timestampSchema } from './common.ts';

/**
 * As storage keeps them. `expired` and `revoked`: the CRM refused the stored token, so the user must
 * connect again; `error`: other failures, shown with the job that hit them.
 */
export const CONNECTION_STATUSES = ['active', 'expired', 'revoked', 'error'] as const;
export type ConnectionStatus = (typeof CONNECTION_STATUSES)[number];

/**
 * A CRM account linked to a spreadsheet. Deliberately has no token fields, and is strict, so a handler
 * that passes a stored row through (credentials included) fails the response check instead of leaking.
 */
export const connectionSchema = z.strictObject({
  id: idSchema,
  crm: z.enum(CRM_IDS),
  label: z.string(),
  status: z.enum(CONNECTION_STATUSES),
  /**
   * The CRM's own account id (HubSpot portal, Salesforce org), to tell two accounts of one CRM apart;
   * null until the CRM has told us (a private-app token before its first call).
   */
  accountId: z.string().min(1).nullable(),
  createdAt: timestampSchema,
  /**
   * Salesforce: the endpoint URL to paste into the org's Outbound Message (and the Apex notifier). Its
   * token is bound to this connection and its org; anyone holding it can only send change notices, which
   * are checked against Salesforce before anything is written.
   */
  webhookUrl: z.url().optional(),
});
export type Connection = z.output<typeof connectionSchema>;

export const connectionParamsSchema = z.strictObject({ connectionId: idSchema });

export const connectionListSchema = z.strictObject({ connections: z.array(connectionSchema) });
export type ConnectionList = z.output<typeof connectionListSchema>;

export const connectionDeletedSchema = z.strictObject({ id: idSchema, deleted: z.literal(true) });
export type ConnectionDeleted = z.output<typeof connectionDeletedSchema>;

/** `POST /api/v1/connections/connect/{crm}`: which CRM to connect through its OAuth consent page. */
export const connectParamsSchema = z.strictObject({ crm: z.enum(CRM_IDS) });

/**
 * Salesforce only: where the org signs in. `https://login.salesforce.com` (production, the default),
 * `https://test.salesforce.com` (a sandbox org) or the org's My Domain (`https://acme.my.salesforce.com`).
 * The companion accepts Salesforce hosts only.
 */
export const connectQuerySchema = z.strictObject({
  loginUrl: z
    .url({ protocol: /^https?$/, error: 'must be a URL such as https://test.salesforce.com' })
    .max(200)
    .optional(),
});

/**
 * Where to send the user: a companion URL for the connect popup (it cannot carry the add-on's
 * Authorization header, so the URL carries a short-lived sealed ticket), and when the ticket expires.
 */
export const connectStartSchema = z.strictObject({ url: z.url(), expiresAt: timestampSchema });
export type ConnectStart = z.output<typeof connectStartSchema>;

/**
 * `POST /api/v1/connections/token`: connect with a long-lived token instead of OAuth (a HubSpot private
 * app's access token). The companion checks it with the CRM before storing it, sealed.
 */
export const connectTokenBodySchema = z.strictObject({
  crm: z.enum(['hubspot']),
  token: z.string().trim().min(10).max(500),
});
