import type { ResponseBody } from '../../../shared/api/define.ts';
import type { Routes } from '../../../shared/api/routes.ts';
import { ensureBound } from './binding.ts';
import { type AddonRouteName, type CallInput, send } from './http.ts';

/**
 * Calls a companion route for the open spreadsheet (binding it first if needed).
 *
 * @example
 * const { tables } = call('listTables');
 * const job = call('getJob', { params: { jobId } });
 */
export function call<N extends Exclude<AddonRouteName, 'bindSpreadsheet'>>(
  name: N,
  input: CallInput<N> = {},
): ResponseBody<Routes[N]> {
  return send(name, input, ensureBound());
}
