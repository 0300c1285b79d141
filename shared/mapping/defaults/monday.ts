import type { PropertyRef } from '../schema.ts';
import { type CrmDefaults, custom, ref } from './types.ts';

/** A text column added to the board by the setup step. */
export const rowIdProperty: PropertyRef = custom('items', 'column_values.rowbridge_id');

/** A board column. Marked custom: boards have no fixed columns, so setup creates any that are missing. */
const column = (id: string): PropertyRef => custom('items', `column_values.${id}`);

/**
 * monday.com has no fixed schema: every board has its own columns with ids chosen at creation. These ids
 * are placeholders named after the column type the brief gives (email column, phone column, text, number,
 * status); a real board needs the user's column ids in the mapping. Only the item `name` always exists; it
 * holds the person's full name (the brief's "item name (parsed)").
 */
export const defaults: CrmDefaults = {
  crm: 'monday',
  label: 'monday.com',
  rowIdProperty,
  objects: {
    items: {
      full_name: ref('items', 'name'),
      company: column('company'),
      email: column('email'),
      phone: column('phone'),
      title: column('text'),
      deal_value: column('numbers'),
      deal_stage: column('status'),
    },
  },
};
