import * as z from 'zod';
import { parseOrThrow } from '../../shared/errors.ts';
import { CRM_IDS } from '../../shared/mapping/index.ts';

/**
 * A CRM described as data (Nango's `providers.yaml` habit, STYLE.md 3): everything a planner, the request
 * runner and the OAuth routes need to know that a table can say. Code exists only for what data cannot
 * express, and is named under `hooks`: a test fails when a name does not resolve to a function.
 */

const oauth2 = z.strictObject({
  kind: z.literal('oauth2'),
  authorizeUrl: z.url(),
  tokenUrl: z.url(),
  scopes: z.array(z.string().min(1)),
  optionalScopes: z.array(z.string().min(1)).default([]),
  pkce: z.boolean(),
  /** A refresh may return a new refresh token that invalidates the old one: store it atomically. */
  rotatesRefreshTokens: z.boolean(),
  /** Lifetime when the token response does not say (`expires_in` wins). */
  accessTokenSeconds: z.number().int().positive().optional(),
});

/** A long-lived secret sent on every request (private-app token, API key). */
const token = z.strictObject({
  kind: z.literal('token'),
  header: z.string().min(1),
  /** Prefix before the secret, e.g. `Bearer`. */
  scheme: z.string().optional(),
});

const basic = z.strictObject({ kind: z.literal('basic') });

export const authMethodSchema = z.discriminatedUnion('kind', [oauth2, token, basic]);

/** Maximum records per call; `null` when the CRM has no batch endpoint for it (one call per record). */
const perCall = z.number().int().positive().nullable();

export const rateLimitSchema = z.strictObject({
  /** Whose budget it is: one connection's token, the whole CRM account, or our app across accounts. */
  scope: z.enum(['token', 'portal', 'app']),
  requests: z.number().int().positive(),
  perSeconds: z.number().positive(),
  /**
   * Requests that may go out at once. The rest refill evenly, so no window of `perSeconds` ever sees more
   * than `requests` (a rolling window stays safe). Defaults to a tenth of `requests`.
   */
  burst: z.number().int().positive().optional(),
  /** Only requests whose URL path matches this regular expression count (e.g. search endpoints). */
  pathPattern: z.string().optional(),
  /** The vendor's name for the policy, as its 429 bodies say (`TEN_SECONDLY_ROLLING`). */
  policy: z.string().optional(),
  /** Not confirmed by the vendor's own material: chosen so that being wrong only makes us slower. */
  unconfirmed: z.boolean().optional(),
});
export type RateLimit = z.infer<typeof rateLimitSchema>;

/**
 * How a CRM proves a webhook is genuine: an HMAC signature header, a SOAP outbound message, a token we
 * chose that it echoes back, HTTP Basic credentials, a JWT, nothing (then verify by re-reading the
 * record), or no push at all (`none`: poll or stream).
 */
export const WEBHOOK_KINDS = [
  'hmac',
  'soap_outbound',
  'token_echo',
  'basic_auth',
  'jwt',
  'unsigned',
  'none',
] as const;

export const webhookSchema = z.strictObject({
  kind: z.enum(WEBHOOK_KINDS),
  signatureHeader: z.string().optional(),
  timestampHeader: z.string().optional(),
  /** Replay window. */
  maxAgeSeconds: z.number().int().positive().optional(),
});

/** Names of the functions a connector supplies for what data cannot say. */
export const HOOK_NAMES = [
  'verifyWebhook',
  'parseWebhook',
  'webhookHandshake',
  'describeError',
  'refreshToken',
] as const;
export type HookName = (typeof HOOK_NAMES)[number];

export const providerSchema = z.strictObject({
  id: z.enum(CRM_IDS),
  label: z.string().min(1),
  /** The vendor's API reference. */
  docs: z.url(),
  /** Every way an account can connect; the first is the default. */
  auth: z.array(authMethodSchema).min(1),
  /** `null` when each account has its own host (Salesforce `instance_url`, Zoho `api_domain`). */
  apiBaseUrl: z.url().nullable(),
  objects: z
    .array(
      z.strictObject({
        name: z.string().min(1),
        label: z.string().min(1),
        /** Holds people (contacts, leads): the objects dedup searches. */
        people: z.boolean().default(false),
      }),
    )
    .min(1),
  batch: z.strictObject({
    read: perCall,
    create: perCall,
    update: perCall,
    upsert: perCall,
    archive: perCall,
  }),
  /**
   * How a write finds its record: `native` upsert by any unique property, `external_id` upsert by a field
   * declared as an external id / alternate key, or `none` (search, then create or update).
   */
  upsertKey: z.enum(['native', 'external_id', 'none']),
  /** `null` when the CRM cannot search by property. */
  search: z
    .strictObject({
      pageSize: z.number().int().positive(),
      /** Results past this are unreachable by paging: import by modification-date windows instead. */
      maxResults: z.number().int().positive().nullable(),
      maxFilters: z.number().int().positive().optional(),
      maxFilterGroups: z.number().int().positive().optional(),
    })
    .nullable(),
  pagination: z.strictObject({
    kind: z.enum(['cursor', 'offset', 'next_url', 'page']),
    pageSize: z.number().int().positive(),
  }),
  /** Properties a new record of an object must have (Salesforce Lead: LastName and Company). */
  required: z.record(z.string(), z.array(z.string().min(1))).default({}),
  /**
   * Where a person's organisation is a record of its own (HubSpot companies, Salesforce Accounts),
   * linked to people by association. Absent when the CRM keeps the company as text on the person.
   */
  companies: z
    .strictObject({
      object: z.string().min(1),
      nameProperty: z.string().min(1),
      domainProperty: z.string().min(1).optional(),
      /** The unique property Rowbridge creates on it, so creating a company is an idempotent upsert. */
      keyProperty: z.string().min(1),
      /** People objects whose records are associated with their company. */
      people: z.array(z.string().min(1)).min(1),
    })
    .optional(),
  /**
   * Where a positive reply opens a deal (HubSpot deals, Salesforce Opportunities): its properties, and
   * the unique key Rowbridge creates so a retried job never opens the same deal twice.
   */
  deals: z
    .strictObject({
      object: z.string().min(1),
      keyProperty: z.string().min(1),
      nameProperty: z.string().min(1),
      stageProperty: z.string().min(1),
      pipelineProperty: z.string().min(1).optional(),
      closeDateProperty: z.string().min(1),
      /** The close date is a date (`2025-03-04`), not a date and time. */
      closeDateIsDate: z.boolean().default(false),
      /** A deal is associated with the person directly (HubSpot), not only with their company. */
      linksPeople: z.boolean().default(true),
      /** Used when a table has no outreach settings: the CRM's default pipeline and its first stage. */
      defaultPipeline: z.string().min(1).optional(),
      defaultStage: z.string().min(1),
    })
    .optional(),
  /** Campaigns people join as members (Salesforce CampaignMember): found by name, never created. */
  campaigns: z
    .strictObject({
      object: z.string().min(1),
      nameProperty: z.string().min(1),
      people: z.array(z.string().min(1)).min(1),
    })
    .optional(),
  rateLimits: z.array(rateLimitSchema),
  webhook: webhookSchema,
  hooks: z.partialRecord(z.enum(HOOK_NAMES), z.string().min(1)).default({}),
});

export type ProviderDescription = z.output<typeof providerSchema>;
export type ProviderInput = z.input<typeof providerSchema>;

/** Validates a provider description once, at import: a typo in a URL or limit fails at start, not mid-sync. */
export function defineProvider(input: ProviderInput): ProviderDescription {
  return parseOrThrow(providerSchema, input, `provider description "${String(input.id)}"`, 'config_invalid');
}

/**
 * The functions a provider names under `hooks`, looked up in its connector module. Throws when one is
 * missing, so a renamed function cannot leave a provider pointing at nothing.
 */
export function resolveHooks(
  provider: ProviderDescription,
  module: Readonly<Record<string, unknown>>,
): Partial<Record<HookName, (...args: never[]) => unknown>> {
  const resolved: Partial<Record<HookName, (...args: never[]) => unknown>> = {};
  for (const [hook, name] of Object.entries(provider.hooks) as [HookName, string][]) {
    const fn = module[name];
    if (typeof fn !== 'function') {
      throw new Error(
        `${provider.label} provider names hook ${hook}: "${name}", which its module does not export`,
      );
    }
    resolved[hook] = fn as (...args: never[]) => unknown;
  }
  return resolved;
}
