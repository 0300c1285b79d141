import type { Context } from 'hono';
import * as z from 'zod';
import { type Core, type Env, readJson } from './core.ts';
import { invalidArgument, withinBatch } from './errors.ts';
import type { StoredSheet, StoredSpreadsheet } from './model.ts';
import { applyRequest, newSheet, REQUEST_KINDS, sheetProperties, sheetPropertiesInput } from './requests.ts';
import { changeSpreadsheet, readSpreadsheet } from './spreadsheet-access.ts';

/*
 * spreadsheets.create, .get and .batchUpdate
 * (https://developers.google.com/workspace/sheets/api/reference/rest/v4/spreadsheets).
 */

const createSchema = z.looseObject({
  properties: z
    .looseObject({
      title: z.string().optional(),
      locale: z.string().optional(),
      timeZone: z.string().optional(),
    })
    .optional(),
  sheets: z.array(z.looseObject({ properties: sheetPropertiesInput.optional() })).optional(),
});

const batchUpdateSchema = z.looseObject({
  requests: z.array(z.record(z.string(), z.unknown())).optional(),
  includeSpreadsheetInResponse: z.boolean().optional(),
});

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** A spreadsheet id shaped like Google's: 44 URL-safe characters. */
export function newSpreadsheetId(random: () => number): string {
  return Array.from({ length: 44 }, () => ID_ALPHABET[Math.floor(random() * ID_ALPHABET.length)]).join('');
}

/** The `Spreadsheet` resource as `spreadsheets.get` answers it (without grid data). */
export function spreadsheetJson(spreadsheet: StoredSpreadsheet) {
  return {
    spreadsheetId: spreadsheet.spreadsheetId,
    properties: {
      title: spreadsheet.title,
      locale: spreadsheet.locale,
      autoRecalc: 'ON_CHANGE',
      timeZone: spreadsheet.timeZone,
    },
    sheets: spreadsheet.sheets.map((sheet, index) => ({ properties: sheetProperties(sheet, index) })),
    spreadsheetUrl: `https://docs.google.com/spreadsheets/d/${spreadsheet.spreadsheetId}/edit`,
  };
}

/** Creates and stores a spreadsheet: the body's tabs, or one "Sheet1" (sheetId 0) as Google does. */
export function createSpreadsheet(core: Core, input: z.infer<typeof createSchema>): StoredSpreadsheet {
  const spreadsheetId = newSpreadsheetId(core.random);
  const draft: StoredSpreadsheet = {
    spreadsheetId,
    title: input.properties?.title ?? 'Untitled spreadsheet',
    locale: input.properties?.locale ?? 'en_US',
    timeZone: input.properties?.timeZone ?? 'Etc/GMT',
    createdAt: core.now(),
    sheets: [],
  };
  const tabs = input.sheets?.length ? input.sheets : [{ properties: { title: 'Sheet1', sheetId: 0 } }];
  tabs.forEach((tab, index) => {
    const sheet: StoredSheet = newSheet(
      draft,
      { ...tab.properties, ...(index === 0 && tab.properties?.sheetId === undefined ? { sheetId: 0 } : {}) },
      core.random,
    );
    draft.sheets.push(sheet);
  });
  core.store.write((data) => {
    data.spreadsheets[spreadsheetId] = draft;
  });
  return draft;
}

export async function spreadsheetsCreate(core: Core, c: Context<Env>) {
  const body = await readJson(c, createSchema);
  return c.json(spreadsheetJson(createSpreadsheet(core, body)));
}

export function spreadsheetsGet(core: Core, c: Context<Env>) {
  return c.json(spreadsheetJson(readSpreadsheet(core, c.get('call').spreadsheetId)));
}

export async function spreadsheetsBatchUpdate(core: Core, c: Context<Env>) {
  const { spreadsheetId = '' } = c.get('call');
  const body = await readJson(c, batchUpdateSchema);
  return c.json(
    changeSpreadsheet(core, spreadsheetId, (spreadsheet) => {
      const replies = (body.requests ?? []).map((request, index) => {
        const kinds = Object.keys(request);
        const kind = kinds[0];
        if (kinds.length !== 1 || kind === undefined) {
          throw invalidArgument(
            `Invalid requests[${index}]: a request must set exactly one kind of request.`,
          );
        }
        if (!(REQUEST_KINDS as readonly string[]).includes(kind)) {
          throw invalidArgument(
            `Invalid requests[${index}]: the sandbox does not support "${kind}" (supported: ${REQUEST_KINDS.join(', ')}).`,
          );
        }
        try {
          return applyRequest(
            spreadsheet,
            kind as (typeof REQUEST_KINDS)[number],
            request[kind],
            core.random,
          );
        } catch (error) {
          throw withinBatch(error, `requests[${index}].${kind}`);
        }
      });
      return {
        spreadsheetId,
        replies,
        ...(body.includeSpreadsheetInResponse ? { updatedSpreadsheet: spreadsheetJson(spreadsheet) } : {}),
      };
    }),
  );
}
