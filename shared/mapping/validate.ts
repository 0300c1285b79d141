import { type Problem, parseOrThrow, RowbridgeError } from '../errors.ts';
import { CANONICAL_FIELD_NAMES, isCanonicalField, isCustomFieldKey } from '../fields.ts';
import { detectColumns } from './detect.ts';
import { isRowIdHeader, sameColumnKey } from './headers.ts';
import {
  CRM_IDS,
  isCrmId,
  type TableMapping,
  tableMappingSchema,
  type UncheckedTableMapping,
} from './schema.ts';

/** A valid custom key close to what the user wrote, so the fix can be copied ("Fax No." → custom.fax_no). */
function customKeyFor(field: string): string {
  const slug = field
    .toLowerCase()
    .replace(/^custom\./, '')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return `custom.${(/^[a-z]/.test(slug) ? slug : `field_${slug}`).slice(0, 63)}`;
}

function unknownFieldMessage(header: string, field: string): string {
  if (isCustomFieldKey(field)) {
    return (
      `Column "${header}" maps to custom field "${field}", which is not declared. Add ` +
      `{ key: "${field}", label, type } to customFields, or map the column to a canonical field.`
    );
  }
  const guess = detectColumns([field])[0]?.field;
  const hint = guess ? ` Did you mean "${guess}"?` : '';
  return (
    `Column "${header}" maps to unknown field "${field}".${hint} Use one of the canonical fields ` +
    `(${CANONICAL_FIELD_NAMES.join(', ')}) or declare ${customKeyFor(field)} in customFields and map to it.`
  );
}

/**
 * Every semantic problem in a structurally valid mapping: unknown CRM, unknown or duplicate fields,
 * columns mapped twice, two columns writing one CRM property, writes to properties the CRM computes.
 * Returns them all, so the sidebar can show every problem at once. The table's `object` is not checked
 * against the defaults: a user may sync an object Rowbridge has no default map for.
 */
export function mappingProblems(mapping: UncheckedTableMapping): Problem[] {
  const problems: Problem[] = [];
  if (!isCrmId(mapping.crm)) {
    const message = `Unknown CRM "${mapping.crm}". Use one of: ${CRM_IDS.join(', ')}.`;
    problems.push({ code: 'mapping_unknown_crm', message, path: ['crm'] });
  }
  const declared = new Set<string>();
  mapping.customFields.forEach(({ key }, index) => {
    if (declared.has(key)) {
      const message = `Custom field "${key}" is declared twice; declare each custom field once.`;
      problems.push({ code: 'mapping_duplicate_field', message, path: ['customFields', index, 'key'] });
    }
    declared.add(key);
  });

  const headers = new Map<string, string>();
  const fields = new Map<string, string>();
  const writers = new Map<string, string>();
  mapping.fields.forEach(({ header, field, property, direction }, index) => {
    const add = (code: Problem['code'], key: string, message: string) => {
      problems.push({ code, message, path: ['fields', index, key] });
    };
    const first = headers.get(sameColumnKey(header));
    if (first !== undefined) {
      const which =
        first === header
          ? `Column "${header}" is mapped twice`
          : `Columns "${first}" and "${header}" are one column`;
      // The checks below would only repeat this problem in other words.
      add(
        'mapping_duplicate_header',
        'header',
        `${which} (case and spaces are ignored); keep one mapping per column.`,
      );
      return;
    }
    headers.set(sameColumnKey(header), header);
    if (isRowIdHeader(header)) {
      add(
        'mapping_invalid',
        'header',
        `Column "${header}" holds Rowbridge's row IDs and cannot be mapped; remove it.`,
      );
    }

    const other = fields.get(field);
    if (!isCanonicalField(field) && !declared.has(field)) {
      add('mapping_unknown_field', 'field', unknownFieldMessage(header, field));
    } else if (other !== undefined) {
      const message = `Field "${field}" is mapped from two columns, "${other}" and "${header}"; map it from one only.`;
      add('mapping_duplicate_field', 'field', message);
    } else {
      fields.set(field, header);
    }

    if (!property || direction === 'crm_to_sheet') return;
    const where = `${property.object}.${property.path}`;
    if (property.readOnly) {
      const message = `Column "${header}" would write ${where}, which the CRM sets itself; set its direction to crm_to_sheet.`;
      add('mapping_invalid', 'direction', message);
      return;
    }
    // Case-insensitive: Salesforce and Dynamics API names are, and no CRM has two properties on one object
    // that differ only in case.
    const key = `${property.object}\u0000${property.path}`.toLowerCase();
    const writer = writers.get(key);
    if (writer === undefined) {
      writers.set(key, header);
    } else {
      const message = `Columns "${writer}" and "${header}" both write ${where}; only one column may write a CRM property.`;
      add('mapping_duplicate_property', 'property', message);
    }
  });
  return problems;
}

/**
 * Parses and checks a sync table's mapping, throwing one `RowbridgeError` that lists every problem.
 * Structural errors (wrong types, unknown keys) come first as `mapping_invalid`; then semantic problems,
 * each with its own code. The error's code is the single problem's code, or `mapping_invalid` for several.
 *
 * @example
 * validateMapping({ crm: 'hubspot', object: 'contacts', fields: [{ header: 'E-mail', field: 'email' }] });
 */
export function validateMapping(input: unknown): TableMapping {
  const mapping = parseOrThrow(tableMappingSchema, input, 'mapping', 'mapping_invalid');
  const problems = mappingProblems(mapping);
  // The checks above are exactly what narrows `crm` to a CrmId and every `field` to a FieldKey.
  if (problems.length === 0) return mapping as TableMapping;
  const [only] = problems;
  if (problems.length === 1 && only) throw new RowbridgeError(only.code, only.message, problems);
  const list = problems.map((problem, i) => `${i + 1}. ${problem.message}`).join(' ');
  throw new RowbridgeError(
    'mapping_invalid',
    `The mapping has ${problems.length} problems: ${list}`,
    problems,
  );
}
