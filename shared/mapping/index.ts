export type { ColumnField, CrmDefaults, ObjectDefaults } from './defaults/index.ts';
export { crmObjectDefaults, DEFAULT_MAPS, defaultMapping, rowIdPropertyFor } from './defaults/index.ts';
export { type DetectConfidence, type DetectedColumn, detectColumns } from './detect.ts';
export { headerKey, isRowIdHeader, sameColumnKey } from './headers.ts';
export { type CanonicalRecord, toCanonicalRecords } from './records.ts';
export {
  CRM_IDS,
  type CrmId,
  DIRECTIONS,
  type Direction,
  type FieldMapping,
  fieldMappingSchema,
  isCrmId,
  type PropertyRef,
  propertyRefSchema,
  type TableMapping,
  type TableMappingInput,
  tableMappingSchema,
  type UncheckedTableMapping,
} from './schema.ts';
export { HEADER_SYNONYMS } from './synonyms.ts';
export { mappingProblems, validateMapping } from './validate.ts';
