import type { ErrorCode } from '../../shared/errors.ts';
import type { ApiCallStats } from './http.ts';
import type { ProviderDescription } from './provider-schema.ts';

/**
 * A CRM property value as connectors exchange it: text, as every CRM API in the brief accepts and returns
 * it (HubSpot, Zoho, Dynamics, ...), or `null` for empty. Typing (numbers, dates) is the mapping layer's job.
 */
export type PropertyValue = string | null;
export type Properties = Readonly<Record<string, PropertyValue>>;

/** One past value of a property, for last-writer-wins decisions (HubSpot `propertiesWithHistory`). */
export interface PropertyChange {
  readonly value: PropertyValue;
  /** ISO 8601. */
  readonly timestamp: string;
  /** Who wrote it, in the CRM's words (HubSpot `sourceType`, Salesforce `changeOrigin`). */
  readonly source?: string;
  readonly sourceId?: string;
}

/** A CRM record as the sync engine sees it, whatever the vendor's shape. */
export interface CrmRecord {
  readonly id: string;
  readonly properties: Properties;
  /** ISO 8601: the CRM's own modification stamp. */
  readonly updatedAt: string;
  /** In the CRM's recycle bin (HubSpot archived, Salesforce IsDeleted): the row is marked archived. */
  readonly archived?: boolean;
  /** Newest first, per property asked for with `withHistory`. */
  readonly history?: Readonly<Record<string, readonly PropertyChange[]>>;
}

export interface ListOptions {
  /** The `next` cursor of the previous page. Opaque: a connector may encode offsets, tokens or URLs. */
  readonly after?: string;
  /** Page size wish; the connector caps it at the provider's page size. */
  readonly limit?: number;
  /** ISO 8601: only records modified at or after it (incremental import and reconcile). */
  readonly modifiedSince?: string;
  /** Only records whose property equals one of the values, for every property listed (an import filter). */
  readonly where?: Readonly<Record<string, readonly string[]>>;
  /** Only the members of this saved list (a HubSpot list id, a Salesforce list view id), in list order. */
  readonly list?: string;
  /**
   * Also records in the CRM's recycle bin, flagged `archived` (Salesforce `queryAll`), so a poll sees
   * deletions. CRMs whose listing cannot include them ignore it.
   */
  readonly includeArchived?: boolean;
  readonly properties: readonly string[];
}

export interface RecordPage {
  readonly records: CrmRecord[];
  /** Absent on the last page. */
  readonly next?: string;
}

export interface GetOptions {
  readonly properties: readonly string[];
  /**
   * Read by this unique property (the row id's, an email) instead of the CRM's record ids: `ids` are its
   * values, and `missing` lists the values no live record holds. Archived records are not looked up.
   */
  readonly idProperty?: string;
  /** Properties whose change history to return (CRMs without history ignore it). */
  readonly withHistory?: readonly string[];
}

export interface GetResult {
  /** Records found, archived ones included and flagged. */
  readonly records: CrmRecord[];
  /** Ids the CRM no longer has at all (deleted, merged away, or never existed). */
  readonly missing: string[];
}

/** How a record to upsert is found: the row id's custom property, an external id field, or a natural key. */
export interface RecordKey {
  readonly property: string;
  readonly value: string;
}

export interface UpsertInput {
  readonly key: RecordKey;
  /** `null` clears a property. The key property is written too, so a created record carries it. */
  readonly properties: Properties;
}

/** Why one record of a batch failed, in the CRM's words. */
export interface RecordError {
  readonly code: Extract<ErrorCode, 'crm_rejected' | 'crm_unavailable' | 'rate_limited' | 'auth_expired'>;
  readonly message: string;
  /** The vendor's own classification (HubSpot `category`, Salesforce `statusCode`), for support. */
  readonly vendorCode?: string;
}

/** A change to one existing record, by the CRM's own id. */
export interface UpdateInput {
  readonly id: string;
  /** `null` clears a property; properties not listed keep their values. */
  readonly properties: Properties;
}

export type UpsertResult =
  | { readonly status: 'created' | 'updated'; readonly id: string }
  | { readonly status: 'failed'; readonly error: RecordError };

export type ArchiveResult =
  | { readonly status: 'archived'; readonly id: string }
  | { readonly status: 'failed'; readonly id: string; readonly error: RecordError };

/**
 * A dedup search: every listed property must equal one of its values (AND across properties); several
 * queries are alternatives (OR). Values match exactly as the CRM compares them, so pass each form worth
 * trying (a phone as typed and as E.164); the dedup matcher normalises and decides afterwards.
 */
export interface CandidateQuery {
  readonly where: Readonly<Record<string, readonly string[]>>;
}

export type PropertyType = 'string' | 'number' | 'date' | 'datetime' | 'bool' | 'enumeration';

/** A custom property `setup-fields` creates (the row id, a score, a campaign...). */
export interface PropertyDefinition {
  readonly name: string;
  readonly label: string;
  readonly type: PropertyType;
  /** Unique values: what lets the row id act as an upsert key. */
  readonly unique?: boolean;
  readonly options?: readonly { readonly value: string; readonly label: string }[];
  readonly description?: string;
}

export interface EnsureResult {
  readonly created: string[];
  readonly existing: string[];
}

export interface AssociationPair {
  readonly fromId: string;
  readonly toId: string;
}

export type ActivityKind = 'note' | 'email' | 'task' | 'call';

/** An outreach event logged on CRM records ("email sent" → HubSpot email, Salesforce Task). */
export interface ActivityInput {
  readonly subject?: string;
  readonly body: string;
  /** ISO 8601. */
  readonly occurredAt: string;
  readonly direction?: 'outbound' | 'inbound';
  /** Records the activity belongs to. */
  readonly on: readonly { readonly object: string; readonly id: string }[];
}

/**
 * One CRM account, as a connection sees it. Every method goes through the connection's request runner
 * (`http.ts`): rate-limited, retried, refreshed on 401, counted. Operations a CRM cannot do in one call
 * (no batch, no upsert) are composed inside the connector, so callers never branch on the vendor:
 * capabilities in `provider` are for planning (batch sizes, quotas), not for choosing code paths.
 */
export interface CrmConnector {
  readonly provider: ProviderDescription;

  /** One page of records; oldest change first when `modifiedSince` or `where` is given. */
  listRecords(object: string, options: ListOptions): Promise<RecordPage>;

  /** Current state of records by id; archived ones flagged, vanished ones listed in `missing`. */
  getRecords(object: string, ids: readonly string[], options: GetOptions): Promise<GetResult>;

  /**
   * Creates or updates records by key, in as few calls as the CRM allows. Results are in input order;
   * a rejected record fails alone (never its batch), and running the same inputs again creates nothing.
   */
  upsertRecords(object: string, inputs: readonly UpsertInput[]): Promise<UpsertResult[]>;

  /**
   * Changes existing records by id (a dedup match gets the row id and the row's values this way). Results
   * are in input order, `updated` or `failed` (a vanished record fails alone with `crm_rejected`).
   */
  updateRecords(object: string, inputs: readonly UpdateInput[]): Promise<UpsertResult[]>;

  /** Moves records to the CRM's recycle bin (or deletes them where it has none); results in input order. */
  archiveRecords(object: string, ids: readonly string[]): Promise<ArchiveResult[]>;

  /** Records that may duplicate the queried identities; `[]` for a CRM without search. */
  findCandidates(
    object: string,
    queries: readonly CandidateQuery[],
    options: { readonly properties: readonly string[] },
  ): Promise<CrmRecord[]>;

  /** Creates the custom properties that do not exist yet. Safe to run again. */
  ensureProperties(object: string, definitions: readonly PropertyDefinition[]): Promise<EnsureResult>;

  /** Links records with the CRM's default association (contact → company, deal → contact, ...). */
  associate(fromObject: string, toObject: string, pairs: readonly AssociationPair[]): Promise<void>;

  /** The records each of `ids` is associated with (a contact's companies, a deal's contacts). */
  listAssociations(
    fromObject: string,
    toObject: string,
    ids: readonly string[],
  ): Promise<Readonly<Record<string, readonly string[]>>>;

  createActivity(kind: ActivityKind, input: ActivityInput): Promise<{ readonly id: string }>;

  /** Requests sent so far by this connection, for `apiCalls` figures and quota reporting. */
  apiCalls(): ApiCallStats;
}

/** A webhook request as received, before any parsing: signatures cover the exact bytes. */
export interface WebhookRequest {
  readonly method: string;
  /** The full URL the CRM called, as it signed it (scheme, host, path and query). */
  readonly url: string;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly rawBody: string;
}

export type WebhookVerdict =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: 'missing_signature' | 'bad_signature' | 'stale' };

export type CrmEventKind = 'created' | 'updated' | 'deleted' | 'restored' | 'merged';

/** One change a CRM told us about, in the same shape for every vendor. */
export interface CrmEvent {
  /** The vendor's event id: the inbox key that makes redelivery harmless. */
  readonly eventId: string;
  readonly objectType: string;
  readonly objectId: string;
  readonly kind: CrmEventKind;
  readonly propertyName?: string;
  readonly value?: PropertyValue;
  /** For `merged`: the ids that were merged into `objectId`. */
  readonly mergedIds?: readonly string[];
  /** ISO 8601. */
  readonly occurredAt: string;
  /** Caused by our own write: a no-op for sync, which is how loops are broken. */
  readonly echo: boolean;
}

/** What identifies our own writes in a vendor's events (HubSpot app id, Salesforce client id). */
export interface ParseContext {
  readonly ownSourceIds?: readonly string[];
}

/** The webhook side of a connector: pure functions, so the inbox can verify before any connection exists. */
export interface CrmWebhook {
  /** Checks the signature in constant time and the replay window against `now` (epoch ms). */
  verify(request: WebhookRequest, secret: string, now: number): WebhookVerdict;
  /** Normalised events; events of kinds Rowbridge does not sync are dropped. Throws `invalid_input`. */
  parse(rawBody: string, context?: ParseContext): CrmEvent[];
  /**
   * For CRMs that confirm a subscription by a challenge (monday.com echoes `{"challenge"}`, Keap
   * `X-Hook-Secret`): the answer to send, or `undefined` when `request` is an ordinary delivery.
   */
  handshake?(
    request: WebhookRequest,
  ): { status: number; headers: Record<string, string>; body: string } | undefined;
}
