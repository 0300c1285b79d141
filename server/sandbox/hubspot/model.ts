import { HubSpotError } from './errors.ts';

/** The CRM object types the sandbox serves, by their plural API names. */
export const OBJECT_TYPES = ['contacts', 'companies', 'deals', 'notes', 'emails', 'tasks'] as const;
export type ObjectType = (typeof OBJECT_TYPES)[number];

/** What differs between object types; everything else is one generic implementation. */
export interface ObjectTypeInfo {
  readonly singular: string;
  /** HubSpot's object type id (`0-1` contacts, `0-2` companies, ...). */
  readonly typeId: string;
  /** Upper-case name used in some error messages ("Could not get some CONTACT objects"). */
  readonly upper: string;
  /** Prefix of legacy webhook subscription types (`contact.creation`); engagements have none. */
  readonly webhookPrefix?: string;
  readonly createdProperty: string;
  readonly modifiedProperty: string;
  /** Returned when a request names no properties (the search guide's table of default properties). */
  readonly defaultProperties: readonly string[];
  /** Searched by a search request's free-text `query`. */
  readonly searchable: readonly string[];
  /** Properties a create must set. */
  readonly required: readonly string[];
}

export const OBJECT_INFO: Readonly<Record<ObjectType, ObjectTypeInfo>> = {
  contacts: {
    singular: 'contact',
    typeId: '0-1',
    upper: 'CONTACT',
    webhookPrefix: 'contact',
    createdProperty: 'createdate',
    modifiedProperty: 'lastmodifieddate',
    defaultProperties: ['createdate', 'email', 'firstname', 'hs_object_id', 'lastmodifieddate', 'lastname'],
    searchable: ['firstname', 'lastname', 'email', 'phone', 'mobilephone', 'company'],
    required: [],
  },
  companies: {
    singular: 'company',
    typeId: '0-2',
    upper: 'COMPANY',
    webhookPrefix: 'company',
    createdProperty: 'createdate',
    modifiedProperty: 'hs_lastmodifieddate',
    defaultProperties: ['createdate', 'domain', 'hs_lastmodifieddate', 'hs_object_id', 'name'],
    searchable: ['name', 'domain', 'website', 'phone'],
    required: [],
  },
  deals: {
    singular: 'deal',
    typeId: '0-3',
    upper: 'DEAL',
    webhookPrefix: 'deal',
    createdProperty: 'createdate',
    modifiedProperty: 'hs_lastmodifieddate',
    defaultProperties: [
      'amount',
      'closedate',
      'createdate',
      'dealname',
      'dealstage',
      'hs_lastmodifieddate',
      'hs_object_id',
      'pipeline',
    ],
    searchable: ['dealname', 'description'],
    required: [],
  },
  notes: {
    singular: 'note',
    typeId: '0-46',
    upper: 'NOTE',
    createdProperty: 'hs_createdate',
    modifiedProperty: 'hs_lastmodifieddate',
    defaultProperties: ['hs_createdate', 'hs_lastmodifieddate', 'hs_object_id'],
    searchable: ['hs_note_body'],
    required: ['hs_timestamp'],
  },
  emails: {
    singular: 'email',
    typeId: '0-49',
    upper: 'EMAIL',
    createdProperty: 'hs_createdate',
    modifiedProperty: 'hs_lastmodifieddate',
    defaultProperties: ['hs_createdate', 'hs_lastmodifieddate', 'hs_object_id'],
    searchable: ['hs_email_subject', 'hs_email_text'],
    required: ['hs_timestamp'],
  },
  tasks: {
    singular: 'task',
    typeId: '0-27',
    upper: 'TASK',
    createdProperty: 'hs_createdate',
    modifiedProperty: 'hs_lastmodifieddate',
    defaultProperties: ['hs_createdate', 'hs_lastmodifieddate', 'hs_object_id'],
    searchable: ['hs_task_subject', 'hs_task_body'],
    required: ['hs_timestamp'],
  },
};

/** Resolves a path's object type: plural, singular or type id, any case (HubSpot accepts all three). */
export function resolveObjectType(name: string): ObjectType {
  const wanted = name.toLowerCase();
  for (const type of OBJECT_TYPES) {
    const info = OBJECT_INFO[type];
    if (type === wanted || info.singular === wanted || info.typeId === wanted) return type;
  }
  throw new HubSpotError(400, 'VALIDATION_ERROR', `Unable to infer object type from: ${name}`);
}

/** One value a property had, newest first in `StoredRecord.history`. */
export interface HistoryEntry {
  readonly value: string;
  readonly timestamp: number;
  readonly sourceType: string;
  readonly sourceId?: string;
  readonly updatedByUserId?: number;
}

/** A CRM record as stored. `properties` holds current non-empty values, system ones included. */
export interface StoredRecord {
  readonly id: string;
  createdAt: number;
  updatedAt: number;
  archived: boolean;
  archivedAt?: number;
  properties: Record<string, string>;
  history: Record<string, HistoryEntry[]>;
}

export interface PropertyOption {
  readonly label: string;
  readonly value: string;
  readonly displayOrder: number;
  readonly hidden: boolean;
  readonly description?: string;
}

/** A property definition (SDK model `Property`), built-in or created through the properties API. */
export interface PropertyDefinition {
  readonly name: string;
  label: string;
  readonly type: string;
  fieldType: string;
  groupName: string;
  description: string;
  options: PropertyOption[];
  displayOrder: number;
  readonly hasUniqueValue: boolean;
  hidden: boolean;
  formField: boolean;
  readonly calculated: boolean;
  readonly hubspotDefined: boolean;
  /** The value is set by HubSpot only; writing it is `READ_ONLY_VALUE`. */
  readonly readOnlyValue: boolean;
  /** Options come from elsewhere (owners): any value is accepted. */
  readonly externalOptions: boolean;
  readonly createdAt?: number;
  updatedAt?: number;
  archived: boolean;
}

export interface PropertyGroup {
  readonly name: string;
  label: string;
  displayOrder: number;
  archived: boolean;
}

/** One direction of an association; creating one stores both directions. */
export interface AssociationRow {
  readonly fromType: ObjectType;
  readonly fromId: string;
  readonly toType: ObjectType;
  readonly toId: string;
  readonly typeId: number;
  readonly category: string;
}

/** An access token: an OAuth one (expires) or a private app one (never expires). */
export interface AccessTokenRecord {
  readonly token: string;
  readonly kind: 'oauth' | 'private';
  readonly appId: number;
  readonly scopes: readonly string[];
  readonly userId: number;
  readonly user: string;
  readonly issuedAt: number;
  expiresAt?: number;
}

export interface RefreshTokenRecord {
  readonly token: string;
  readonly clientId: string;
  readonly appId: number;
  readonly scopes: readonly string[];
  readonly userId: number;
  readonly user: string;
}

export interface AuthorizationCodeRecord {
  readonly code: string;
  readonly clientId: string;
  readonly redirectUri: string;
  readonly scopes: readonly string[];
  readonly expiresAt: number;
  readonly codeChallenge?: string;
  readonly codeChallengeMethod?: string;
}

/** Everything that persists in the state file. Faults, rate-limit windows and webhook queues do not. */
export interface SandboxData {
  readonly version: 1;
  readonly createdAt: number;
  nextObjectId: number;
  records: Record<ObjectType, Record<string, StoredRecord>>;
  customProperties: Record<ObjectType, PropertyDefinition[]>;
  customGroups: Record<ObjectType, PropertyGroup[]>;
  associations: AssociationRow[];
  accessTokens: Record<string, AccessTokenRecord>;
  refreshTokens: Record<string, RefreshTokenRecord>;
  codes: Record<string, AuthorizationCodeRecord>;
  /** Static lists (HubSpot "segments") by list id. */
  lists: Record<string, StoredList>;
}

/** A static list: records a user put in it, with when each joined. */
export interface StoredList {
  readonly listId: string;
  readonly name: string;
  readonly objectType: ObjectType;
  readonly createdAt: number;
  members: { readonly recordId: string; readonly joinedAt: number }[];
}

function perType<T>(make: () => T): Record<ObjectType, T> {
  return Object.fromEntries(OBJECT_TYPES.map((type) => [type, make()])) as Record<ObjectType, T>;
}

export function emptyData(now: number): SandboxData {
  return {
    version: 1,
    createdAt: now,
    nextObjectId: 1001,
    records: perType(() => ({})),
    customProperties: perType(() => []),
    customGroups: perType(() => []),
    associations: [],
    accessTokens: {},
    refreshTokens: {},
    codes: {},
    lists: {},
  };
}

/** Who makes a change: decides `propertiesWithHistory` sources and webhook `changeSource`. */
export interface Actor {
  readonly sourceType: 'INTEGRATION' | 'CRM_UI' | 'IMPORT' | 'CALCULATED';
  readonly sourceId?: string;
  readonly userId?: number;
  readonly changeSource: string;
}

/** A change the webhook dispatcher turns into subscription events. */
export interface ChangeEvent {
  readonly kind: 'creation' | 'deletion' | 'propertyChange';
  readonly objectType: ObjectType;
  readonly objectId: string;
  readonly occurredAt: number;
  readonly changeSource: string;
  readonly sourceId?: string;
  readonly propertyName?: string;
  readonly propertyValue?: string;
}

/** HubSpot emits datetimes like Java's `Instant.toString()`: no fraction when the milliseconds are zero. */
export function isoInstant(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}
