import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import * as z from 'zod';
import { RowbridgeError } from '../../shared/errors.ts';
import { columnLetters } from '../sandbox/sheets/a1.ts';
import type { SandboxSheetsState } from '../sandbox/sheets/index.ts';
import type { Cell, RunAnswer, RunRequest, ScriptState, ShownPage, WorkerInit } from './protocol.ts';

/** What a run of the add-on gave back, as the preview page's bridge needs it. */
export interface RunResult {
  readonly outcome: RunAnswer['outcome'];
  /** Pages the run showed, each with the id the page loads it by. */
  readonly shown: readonly (ShownPage & { readonly id: number })[];
}

/** The add-on, built for this companion and running in a worker thread against the sample spreadsheet. */
export interface ScriptHost {
  /** Calls one of Code.js's global functions, as `google.script.run` does. */
  run(fn: string, args: readonly unknown[]): Promise<RunResult>;
  /** A user typed `value` into one cell: it goes into the sandbox sheet, then the onEdit triggers run. */
  userEdit(tab: string, row: number, column: number, value: Cell): Promise<RunResult>;
  /** A page shown by an earlier run. */
  page(id: number): ShownPage | undefined;
  /** False once the worker stopped (a crash): the preview then starts a new host. */
  alive(): boolean;
  close(): Promise<void>;
}

export interface ScriptHostOptions {
  readonly dataDir: string;
  readonly companionUrl: string;
  readonly sheets: SandboxSheetsState;
  readonly spreadsheetId: string;
  readonly user: string;
  readonly mintToken: () => Promise<string>;
}

interface BuildResult {
  readonly outDir: string;
  readonly entryPoints: readonly string[];
}
type BuildAddon = (options: { outDir: string; companionUrl: string }) => Promise<BuildResult>;

const savedSchema = z.object({
  documentProperties: z.record(z.string(), z.string()),
  userProperties: z.record(z.string(), z.string()),
  triggers: z.array(
    z.object({
      id: z.string(),
      handler: z.string(),
      eventType: z.enum(['ON_EDIT', 'ON_CHANGE', 'ON_OPEN', 'CLOCK']),
      sourceId: z.string().nullable(),
    }),
  ),
});
const EMPTY: ScriptState = { documentProperties: {}, userProperties: {}, triggers: [] };

/**
 * Builds the add-on the way `npm run build` does (esbuild, a few seconds), for this companion's URL,
 * into the data folder, so a fresh clone needs no build step and a developer's appsscript/dist is left
 * alone. The build tool is loaded by URL: it is part of the add-on's tooling, not of the server.
 */
async function buildForPreview(dataDir: string, companionUrl: string): Promise<BuildResult> {
  try {
    const tool = new URL('../../appsscript/tools/build.ts', import.meta.url).href;
    const { buildAddon } = (await import(tool)) as { buildAddon: BuildAddon };
    return await buildAddon({ outDir: join(dataDir, 'preview', 'addon'), companionUrl });
  } catch (error) {
    throw new RowbridgeError(
      'preview_unavailable',
      `Could not build the add-on for the preview (${error instanceof Error ? error.message : String(error)}); run \`npm ci\` (the build needs the dev dependencies)`,
    );
  }
}

/**
 * Starts the add-on host: builds the add-on, then a worker thread that runs it. Runs are one at a time,
 * as Apps Script runs one execution per user at a time here; each sends the sheet's current cells and
 * writes back only the cells the run changed, so the companion's own writes in the meantime survive.
 */
export async function startScriptHost(options: ScriptHostOptions): Promise<ScriptHost> {
  const built = await buildForPreview(options.dataDir, options.companionUrl);
  const statePath = join(options.dataDir, 'preview', 'script-state.json');
  const saved = existsSync(statePath)
    ? savedSchema.parse(JSON.parse(readFileSync(statePath, 'utf8')))
    : EMPTY;
  const manifest = z
    .object({ urlFetchWhitelist: z.array(z.string()) })
    .parse(JSON.parse(readFileSync(join(built.outDir, 'appsscript.json'), 'utf8')));
  const sheetTitle = options.sheets
    .spreadsheets()
    .find((sheet) => sheet.spreadsheetId === options.spreadsheetId)?.title;
  const init: WorkerInit = {
    addonDir: built.outDir,
    entryPoints: built.entryPoints,
    companionUrl: options.companionUrl,
    allowlist: manifest.urlFetchWhitelist,
    spreadsheet: { id: options.spreadsheetId, name: sheetTitle ?? 'Sample' },
    user: options.user,
    saved,
  };
  const worker = new Worker(new URL('./worker-entry.js', import.meta.url), { workerData: init });
  const waiting = new Map<number, { resolve: (answer: RunAnswer) => void; reject: (error: Error) => void }>();
  let failure: Error | undefined;
  worker.on('message', (answer: RunAnswer) => {
    waiting.get(answer.id)?.resolve(answer);
    waiting.delete(answer.id);
  });
  // A run the worker never answers would hold every later one: fail them all with what happened.
  const fail = (error: Error) => {
    failure ??= error;
    const stopped = new RowbridgeError(
      'preview_unavailable',
      `The add-on's runtime stopped: ${error.message}`,
    );
    for (const run of waiting.values()) run.reject(stopped);
    waiting.clear();
  };
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`its worker exited with code ${code}`)));
  let nextId = 1;
  let queue: Promise<unknown> = Promise.resolve();
  const pages = new Map<number, ShownPage>();
  let nextPage = 1;

  const tabs = () => {
    const spreadsheet = options.sheets.spreadsheets().find((s) => s.spreadsheetId === options.spreadsheetId);
    return Object.fromEntries(
      (spreadsheet?.tabs ?? []).map((title) => [
        title,
        options.sheets.grid(options.spreadsheetId, title, 'UNFORMATTED_VALUE') as Cell[][],
      ]),
    );
  };

  const execute = (request: Omit<RunRequest, 'id' | 'tabs' | 'token'>): Promise<RunResult> => {
    const next = queue.then(async () => {
      if (failure) {
        throw new RowbridgeError('preview_unavailable', `The add-on's runtime stopped: ${failure.message}`);
      }
      const id = nextId++;
      const token = await options.mintToken();
      const answer = await new Promise<RunAnswer>((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        worker.postMessage({ ...request, id, tabs: tabs(), token } satisfies RunRequest);
      });
      for (const change of answer.changes) {
        const a1 = `'${change.tab.replace(/'/g, "''")}'!${`${columnLetters(change.column - 1)}${change.row}`}`;
        options.sheets.editAsUser(options.spreadsheetId, a1, [[change.value]]);
      }
      mkdirSync(join(options.dataDir, 'preview'), { recursive: true });
      writeFileSync(statePath, JSON.stringify(answer.saved));
      const shown = answer.shown.map((page) => {
        const pageId = nextPage++;
        pages.set(pageId, page);
        return { ...page, id: pageId };
      });
      return { outcome: answer.outcome, shown };
    });
    queue = next.catch(() => {});
    return next;
  };

  return {
    run: (fn, args) => execute({ fn, args }),
    async userEdit(tab, row, column, value) {
      const a1 = `'${tab.replace(/'/g, "''")}'!${`${columnLetters(column - 1)}${row}`}`;
      const before = options.sheets.grid(options.spreadsheetId, tab, 'UNFORMATTED_VALUE')[row - 1]?.[
        column - 1
      ];
      options.sheets.editAsUser(options.spreadsheetId, a1, [[value]]);
      return execute({ fn: 'onEdit', args: [], edit: { a1, value, oldValue: before ?? '' } });
    },
    page: (id) => pages.get(id),
    alive: () => failure === undefined,
    async close() {
      await queue;
      await worker.terminate();
    },
  };
}
