import { isRowbridgeError, RowbridgeError } from '../../../shared/errors.ts';
import type { TableMapping } from '../../../shared/mapping/schema.ts';
import { validateMapping } from '../../../shared/mapping/validate.ts';
import type { Connection } from '../../store/repos/index.ts';

const WHERE = ['body', 'mapping'] as const;

/**
 * `validateMapping` for a request body: the same errors (mapping_* → 400), with detail paths starting at
 * `body.mapping` like the contract's own validation problems, so the sidebar marks the right input.
 */
export function checkMapping(input: unknown): TableMapping {
  try {
    return validateMapping(input);
  } catch (error) {
    if (!isRowbridgeError(error)) throw error;
    const problems = error.problems.map((problem) => ({
      ...problem,
      path: [...WHERE, ...(problem.path ?? [])],
    }));
    throw new RowbridgeError(error.code, error.message, problems);
  }
}

/** A mapping only works through a connection to the CRM it was written for. */
export function requireSameCrm(mapping: TableMapping, connection: Connection): void {
  if (mapping.crm === connection.crm) return;
  const message =
    `The mapping is for ${mapping.crm}, but the connection "${connection.label}" is a ${connection.crm} ` +
    `account. Choose a ${mapping.crm} connection, or map the columns to ${connection.crm} properties.`;
  throw new RowbridgeError('mapping_invalid', message, [
    { code: 'mapping_invalid', message, path: [...WHERE, 'crm'] },
  ]);
}
