import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInThisContext } from 'node:vm';
import { parentPort, workerData } from 'node:worker_threads';
import { FakeTrigger, installAppsScript } from './apps-script/index.ts';
import type { FakeSheet } from './apps-script/spreadsheet.ts';
import type { Cell, CellChange, RunAnswer, RunRequest, ShownPage, WorkerInit } from './protocol.ts';

/**
 * The add-on's Apps Script runtime for the preview page, in a worker thread of the companion: the
 * in-memory Apps Script services with the built Code.js loaded into this thread's global scope, as Apps
 * Script loads a project's files. UrlFetchApp blocks this thread (as it blocks an Apps Script execution)
 * while the companion, on the main thread, answers. The spreadsheet is the sandbox one: each run loads
 * its cells first and hands back the cells the run changed.
 */
const init = workerData as WorkerInit;
let token = '';
const env = installAppsScript({
  spreadsheet: { id: init.spreadsheet.id, name: init.spreadsheet.name, tabs: [] },
  identityToken: () => token,
  companionUrl: init.companionUrl,
  allowlist: init.allowlist,
  pagesDir: init.addonDir,
  user: init.user,
});
env.documentProperties.setProperties(init.saved.documentProperties, true);
env.userProperties.setProperties(init.saved.userProperties, true);
for (const trigger of init.saved.triggers) {
  env.triggers.push(new FakeTrigger(trigger.id, trigger.handler, trigger.eventType, trigger.sourceId));
}
runInThisContext(readFileSync(join(init.addonDir, 'Code.js'), 'utf8'), { filename: 'Code.js' });
const globals = globalThis as unknown as Record<string, unknown>;

/** Loads the sandbox's cells into the in-memory tab (cells past them emptied). */
function load(sheet: FakeSheet, rows: readonly (readonly Cell[])[]): void {
  const height = Math.max(rows.length, sheet.getLastRow());
  const width = Math.max(sheet.getLastColumn(), ...rows.map((row) => row.length));
  if (height > sheet.getMaxRows()) sheet.insertRowsAfter(sheet.getMaxRows(), height - sheet.getMaxRows());
  if (width > sheet.getMaxColumns())
    sheet.insertColumnsAfter(sheet.getMaxColumns(), width - sheet.getMaxColumns());
  for (let r = 1; r <= height; r += 1) {
    for (let c = 1; c <= width; c += 1) sheet.setCell(r, c, rows[r - 1]?.[c - 1] ?? '');
  }
}

function cellOf(value: unknown): Cell {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return String(value ?? '');
}

/** The cells a run wrote, compared with what was loaded. */
function changesOf(tab: string, sheet: FakeSheet, before: readonly (readonly Cell[])[]): CellChange[] {
  const height = Math.max(before.length, sheet.getLastRow());
  const width = Math.max(sheet.getLastColumn(), ...before.map((row) => row.length));
  if (height === 0 || width === 0) return [];
  const after = sheet.getRange(1, 1, height, width).getValues();
  const changes: CellChange[] = [];
  for (let r = 0; r < height; r += 1) {
    for (let c = 0; c < width; c += 1) {
      const now = cellOf(after[r]?.[c]);
      if (now !== (before[r]?.[c] ?? '')) changes.push({ tab, row: r + 1, column: c + 1, value: now });
    }
  }
  return changes;
}

function shownSince(sidebar: unknown, dialogs: number): ShownPage[] {
  const shown: ShownPage[] = [];
  const page = (kind: ShownPage['kind'], output: NonNullable<typeof env.ui.sidebar>, title: string) => ({
    kind,
    html: output.getContent(),
    title,
    width: output.getWidth(),
    height: output.getHeight(),
  });
  if (env.ui.sidebar && env.ui.sidebar !== sidebar)
    shown.push(page('sidebar', env.ui.sidebar, env.ui.sidebar.getTitle()));
  for (const dialog of env.ui.dialogs.slice(dialogs)) shown.push(page('dialog', dialog.output, dialog.title));
  return shown;
}

function run(request: RunRequest): RunAnswer {
  token = request.token;
  const tabs = new Map<string, FakeSheet>();
  for (const [name, rows] of Object.entries(request.tabs)) {
    const sheet = env.spreadsheet.getSheetByName(name) ?? env.spreadsheet.insertSheet(name);
    load(sheet, rows);
    tabs.set(name, sheet);
  }
  const sidebar = env.ui.sidebar;
  const dialogs = env.ui.dialogs.length;
  let outcome: { ok: true; value: unknown } | { ok: false; message: string };
  try {
    if (request.edit) {
      env.spreadsheet.setActiveSheet(env.spreadsheet.getRange(request.edit.a1).getSheet());
      env.editTriggers(request.edit.a1, request.edit, globals);
      outcome = { ok: true, value: null };
    } else {
      const fn = globals[request.fn];
      if (!init.entryPoints.includes(request.fn) || typeof fn !== 'function') {
        outcome = { ok: false, message: `Script function not found: ${request.fn}` };
      } else {
        const value: unknown = fn(...request.args);
        outcome = { ok: true, value: value === undefined ? null : JSON.parse(JSON.stringify(value)) };
      }
    }
  } catch (error) {
    outcome = { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  const changes = [...tabs].flatMap(([name, sheet]) => changesOf(name, sheet, request.tabs[name] ?? []));
  return {
    id: request.id,
    outcome,
    changes,
    shown: shownSince(sidebar, dialogs),
    saved: {
      documentProperties: env.documentProperties.getProperties(),
      userProperties: env.userProperties.getProperties(),
      triggers: env.triggers.map((t) => ({
        id: t.getUniqueId(),
        handler: t.getHandlerFunction(),
        eventType: t.eventType,
        sourceId: t.sourceId,
      })),
    },
  };
}

parentPort?.on('message', (request: RunRequest) => {
  parentPort?.postMessage(run(request));
});
