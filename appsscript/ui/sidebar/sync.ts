import type { ExportProgress, RowNote } from '../../src/sync/export.ts';
import type { ImportProgress } from '../../src/sync/import.ts';
import { h, notice, progressBar, sleep } from '../common/dom.ts';
import { messageOf, run } from '../common/run.ts';
import type { App } from './main.ts';

/** How often a running job is polled (`GET /api/v1/jobs/{id}` through the add-on). */
const POLL_MS = 800;

type Phase = 'idle' | 'previewing' | 'preview' | 'exporting' | 'exported';

const exportState = {
  scope: 'selection' as 'selection' | 'all',
  phase: 'idle' as Phase,
  rows: 0,
  progress: null as ExportProgress | null,
  message: null as null | { kind: 'error' | 'ok' | 'info'; text: string },
};

const importState = {
  property: '',
  values: '',
  since: '',
  list: '',
  limit: '',
  running: false,
  progress: null as ImportProgress | null,
  message: null as null | { kind: 'error' | 'ok' | 'info'; text: string },
};

const liveState = { busy: false, message: null as null | { kind: 'error' | 'ok' | 'info'; text: string } };

/** Starts the export in as many calls as the tab needs (each stops at Apps Script's time budget). */
async function startAll(
  dryRun: boolean,
): Promise<{ jobIds: string[]; rows: number; sheetId: number | null }> {
  const jobIds: string[] = [];
  let rows = 0;
  let sheetId: number | null = null;
  let fromRow: number | null = null;
  do {
    const started: Awaited<ReturnType<typeof run<'startExport'>>> = await run('startExport', {
      scope: exportState.scope,
      dryRun,
      ...(fromRow ? { fromRow } : {}),
    });
    jobIds.push(...started.jobIds);
    rows += started.rows;
    sheetId = started.sheetId;
    fromRow = started.nextRow;
  } while (fromRow !== null);
  return { jobIds, rows, sheetId };
}

async function follow(app: App, jobIds: string[], sheetId: number | null): Promise<ExportProgress> {
  for (;;) {
    const progress = await run('exportProgress', jobIds, sheetId);
    exportState.progress = progress;
    app.render();
    if (progress.finished) return progress;
    await sleep(POLL_MS);
  }
}

async function runExport(app: App, dryRun: boolean): Promise<void> {
  exportState.phase = dryRun ? 'previewing' : 'exporting';
  exportState.progress = null;
  exportState.message = null;
  app.render();
  try {
    const { jobIds, rows, sheetId } = await startAll(dryRun);
    exportState.rows = rows;
    const progress = await follow(app, jobIds, sheetId);
    if (progress.failed) throw new Error(progress.failed);
    exportState.phase = dryRun ? 'preview' : 'exported';
    if (!dryRun) {
      const c = progress.counts;
      exportState.message = {
        kind: 'ok',
        text: `Exported ${rows} rows: ${c.created ?? 0} created, ${c.updated ?? 0} updated, ${c.unchanged ?? 0} unchanged.`,
      };
    }
  } catch (error) {
    exportState.phase = 'idle';
    exportState.message = { kind: 'error', text: messageOf(error) };
  }
  if (dryRun) app.render();
  else await app.refresh();
}

/** `1 record`, `2 records`. */
function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function notes(
  title: string,
  list: readonly Pick<RowNote, 'row' | 'message'>[],
  testId: string,
): HTMLElement | null {
  if (list.length === 0) return null;
  return h(
    'div',
    { 'data-testid': testId },
    h('strong', {}, title),
    h('ul', { class: 'list' }, ...list.map((n) => h('li', {}, n.row ? `Row ${n.row}: ` : '', n.message))),
  );
}

function summary(progress: ExportProgress): HTMLElement {
  const c = progress.counts;
  const problems = (c.failed ?? 0) + (c.ambiguous ?? 0) + (c.conflict ?? 0);
  const lines: [string, number][] = [
    [progress.dryRun ? 'Will create' : 'Created', c.created ?? 0],
    [progress.dryRun ? 'Will update' : 'Updated', c.updated ?? 0],
    ['Unchanged', c.unchanged ?? 0],
    ['Duplicates found', progress.duplicates.length],
    ['Problems', problems],
  ];
  return h(
    'div',
    { 'data-testid': progress.dryRun ? 'preview' : 'export-result' },
    h('dl', { class: 'counts' }, ...lines.flatMap(([label, n]) => [h('dt', {}, label), h('dd', {}, n)])),
    notes('Duplicates found (matched to existing records)', progress.duplicates, 'duplicates'),
    notes('Problems', progress.problems, 'problems'),
  );
}

function exportBox(app: App): HTMLElement {
  const busy = exportState.phase === 'previewing' || exportState.phase === 'exporting';
  const scope = (value: 'selection' | 'all', label: string) =>
    h(
      'label',
      {},
      h('input', {
        type: 'radio',
        name: 'scope',
        value,
        checked: exportState.scope === value,
        disabled: busy,
        onchange: () => {
          exportState.scope = value;
          exportState.phase = 'idle';
          app.render();
        },
      }),
      ` ${label}`,
    );
  const progress = exportState.progress;
  return h(
    'section',
    { 'aria-label': 'Export' },
    h('h2', {}, 'Export to the CRM'),
    h(
      'div',
      { class: 'row' },
      scope('selection', 'Selected rows'),
      scope('all', `All rows (${app.status.tab.rows})`),
    ),
    h(
      'div',
      { class: 'row', style: 'margin-top:6px' },
      h('button', { disabled: busy, onclick: () => void runExport(app, true) }, 'Preview'),
      exportState.phase === 'preview'
        ? h(
            'button',
            { class: 'primary', onclick: () => void runExport(app, false) },
            `Export ${exportState.rows} rows`,
          )
        : null,
    ),
    busy
      ? progressBar(
          exportState.phase === 'previewing' ? 'Checking' : 'Exporting',
          progress?.done ?? 0,
          progress?.total ?? null,
        )
      : null,
    progress?.finished &&
      !progress.failed &&
      (exportState.phase === 'preview' || exportState.phase === 'exported')
      ? summary(progress)
      : null,
    exportState.message ? notice(exportState.message.kind, exportState.message.text) : null,
  );
}

async function runImport(app: App): Promise<void> {
  importState.running = true;
  importState.progress = null;
  importState.message = null;
  app.render();
  try {
    const { jobId, sheetId } = await run('startImport', {
      ...(importState.property
        ? { property: importState.property, values: importState.values.split(',') }
        : {}),
      ...(importState.since ? { since: importState.since } : {}),
      ...(importState.list ? { list: importState.list } : {}),
      ...(Number(importState.limit) > 0 ? { limit: Number(importState.limit) } : {}),
    });
    for (;;) {
      const progress = await run('importProgress', jobId, sheetId);
      importState.progress = progress;
      app.render();
      if (progress.finished) {
        if (progress.failed) throw new Error(progress.failed);
        const refused = progress.refused.length;
        const counts = `${count(progress.appended, 'new row')}, ${count(progress.updated, 'row')} updated.`;
        importState.message =
          refused === 0
            ? { kind: 'ok', text: `Imported ${count(progress.imported, 'record')}: ${counts}` }
            : {
                kind: 'info',
                text: `Imported ${progress.imported - refused} of ${count(progress.imported, 'record')}: ${counts} ${refused === 1 ? 'One record was' : `${refused} records were`} not written to the sheet (listed below) and stays in the CRM, unlinked.`,
              };
        break;
      }
      await sleep(POLL_MS);
    }
  } catch (error) {
    importState.message = { kind: 'error', text: messageOf(error) };
  }
  importState.running = false;
  await app.refresh();
}

function input(
  label: string,
  key: 'property' | 'values' | 'since' | 'list' | 'limit',
  attrs: Record<string, string> = {},
) {
  return h(
    'label',
    { class: 'field' },
    label,
    h('input', {
      ...attrs,
      value: importState[key],
      oninput: (e: Event) => {
        importState[key] = (e.target as HTMLInputElement).value;
      },
    }),
  );
}

function importBox(app: App): HTMLElement {
  const progress = importState.progress;
  return h(
    'section',
    { 'aria-label': 'Import' },
    h('h2', {}, 'Import from the CRM'),
    h(
      'details',
      {},
      h('summary', {}, 'Filters'),
      input('Property', 'property', { placeholder: 'city' }),
      input('Equals (comma-separated)', 'values', { placeholder: 'York, Leeds' }),
      input('Changed since', 'since', { type: 'date' }),
      input('Or a saved list id', 'list', { placeholder: '12' }),
      input('At most', 'limit', { type: 'number', min: '1', placeholder: '10000' }),
    ),
    h(
      'div',
      { class: 'row', style: 'margin-top:6px' },
      h('button', { disabled: importState.running, onclick: () => void runImport(app) }, 'Import'),
    ),
    importState.running ? progressBar('Importing', progress?.done ?? 0, progress?.total ?? null) : null,
    importState.message ? notice(importState.message.kind, importState.message.text) : null,
    importState.running
      ? null
      : notes(
          'Not written to the sheet',
          (progress?.refused ?? []).map((record) => ({
            row: null,
            message: `Record ${record.crmId}: ${record.message}`,
          })),
          'import-refused',
        ),
  );
}

async function toggleLive(app: App, on: boolean): Promise<void> {
  liveState.busy = true;
  try {
    await run('setLiveSync', on);
    liveState.message = null;
  } catch (error) {
    liveState.message = { kind: 'error', text: messageOf(error) };
  }
  liveState.busy = false;
  await app.refresh();
}

async function sendNow(app: App): Promise<void> {
  liveState.busy = true;
  app.render();
  try {
    const report = await run('flushEdits');
    liveState.message = report.error
      ? { kind: 'error', text: report.error }
      : { kind: 'ok', text: `Sent ${report.pushed} edited row${report.pushed === 1 ? '' : 's'}.` };
  } catch (error) {
    liveState.message = { kind: 'error', text: messageOf(error) };
  }
  liveState.busy = false;
  await app.refresh();
}

function liveBox(app: App): HTMLElement {
  const { status } = app;
  return h(
    'section',
    { 'aria-label': 'Live edits' },
    h('h2', {}, 'Live edits'),
    h(
      'label',
      {},
      h('input', {
        type: 'checkbox',
        checked: status.liveSync,
        disabled: liveState.busy,
        onchange: (e: Event) => void toggleLive(app, (e.target as HTMLInputElement).checked),
      }),
      ' Send edits to the CRM as they are made',
    ),
    h(
      'div',
      { class: 'row muted' },
      `${status.waiting} edited row${status.waiting === 1 ? '' : 's'} waiting`,
      status.waiting > 0
        ? h(
            'button',
            { class: 'link', disabled: liveState.busy, onclick: () => void sendNow(app) },
            'Send now',
          )
        : null,
    ),
    liveState.message ? notice(liveState.message.kind, liveState.message.text) : null,
  );
}

/** Export with a dry-run preview, import with filters, and live edits. */
export function syncSection(app: App): HTMLElement {
  if (!app.status.table)
    return h('section', {}, notice('info', 'Save a mapping for this tab first (Mapping tab).'));
  return h('div', {}, exportBox(app), importBox(app), liveBox(app));
}
