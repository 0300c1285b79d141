import type { CanonicalField } from '../../fields.ts';
import type { CrmId, PropertyRef } from '../schema.ts';

/** The CRM property each canonical field maps to by default, for one CRM object. */
export type ObjectDefaults = Readonly<Partial<Record<CanonicalField, PropertyRef>>>;

/**
 * One CRM's default field map, as data (taken from the product brief's tables). The first object listed is
 * the one a new sync table uses. `rowIdProperty` holds the Rowbridge row ID that makes creates idempotent
 * upserts; its `object` is the first object, and the same property exists on every listed object.
 */
export interface CrmDefaults {
  readonly crm: CrmId;
  readonly label: string;
  readonly objects: Readonly<Record<string, ObjectDefaults>>;
  readonly rowIdProperty: PropertyRef;
}

/** A standard property the CRM already has. */
export function ref(object: string, path: string): PropertyRef {
  return { object, path };
}

/** A property Rowbridge's setup step must create before the first sync. */
export function custom(object: string, path: string): PropertyRef {
  return { object, path, custom: true };
}

/** A property the CRM computes itself: synced into the sheet, never written. */
export function readOnly(object: string, path: string): PropertyRef {
  return { object, path, readOnly: true };
}
