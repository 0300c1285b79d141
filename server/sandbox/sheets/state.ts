import * as z from 'zod';
import { SharedStateFile } from '../state-file.ts';
import { emptyData, type SheetsData } from './model.ts';

// Checks the outline only: the file is the sandbox's own, written by `SharedStateFile`.
const stateSchema = z.looseObject({
  version: z.literal(1),
  createdAt: z.number(),
  spreadsheets: z.record(
    z.string(),
    z.looseObject({
      spreadsheetId: z.string(),
      sheets: z.array(
        z.looseObject({ sheetId: z.number(), title: z.string(), cells: z.array(z.array(z.unknown())) }),
      ),
    }),
  ),
});

/**
 * The sandbox's spreadsheets in one JSON file in the data folder (or memory only), shared by every process
 * that opens it; see `SharedStateFile` for reloading and atomic saves.
 */
export function openSheetsStore(file: string | undefined, now: () => number): SharedStateFile<SheetsData> {
  return new SharedStateFile(file, {
    label: 'Google Sheets',
    empty: () => emptyData(now()),
    parse: (value) => (stateSchema.safeParse(value).success ? (value as SheetsData) : undefined),
  });
}
