import type { Direction } from '../../../shared/mapping/schema.ts';
import type { ColumnDraft, MappingDraft } from '../../src/sync/tables.ts';
import { h, notice } from '../common/dom.ts';
import { messageOf, run } from '../common/run.ts';
import type { App } from './main.ts';

type Column = {
  header: string;
  field: string | null;
  direction: Direction;
  readOnly: boolean;
  property: string | null;
};

/** The mapping editor's own state: the draft being edited, kept across redraws. */
const state = {
  draft: null as MappingDraft | null,
  columns: [] as Column[],
  policy: 'manual',
  region: '',
  loading: false,
  saving: false,
  /** Loading failed: do not retry on every redraw (the message says why). */
  failed: false,
  message: null as null | { kind: 'error' | 'ok' | 'info'; text: string },
};

const DIRECTIONS: readonly (readonly [Direction, string, string])[] = [
  ['both', '⇄', 'Both ways'],
  ['sheet_to_crm', '→', 'Sheet to CRM only'],
  ['crm_to_sheet', '←', 'CRM to sheet only'],
];

const POLICIES: readonly (readonly [string, string])[] = [
  ['manual', 'Ask me (review conflicts)'],
  ['last-writer-wins', 'Latest change wins'],
  ['sheet-wins', 'Sheet wins'],
  ['crm-wins', 'CRM wins'],
];

async function load(
  app: App,
  connectionId: string,
  object: string | null,
  keepMessage = false,
): Promise<void> {
  state.loading = true;
  state.failed = false;
  app.render();
  try {
    const draft = await run('draftMapping', connectionId, object);
    state.draft = draft;
    state.columns = draft.columns.map((c: ColumnDraft) => ({
      header: c.header,
      field: c.field,
      direction: c.direction,
      readOnly: c.readOnly,
      property: c.property,
    }));
    state.policy = draft.policy;
    state.region = draft.region ?? '';
    if (!keepMessage) state.message = null;
  } catch (error) {
    state.failed = true;
    state.message = { kind: 'error', text: messageOf(error) };
  }
  state.loading = false;
  app.render();
}

async function save(app: App): Promise<void> {
  const draft = state.draft;
  if (!draft) return;
  state.saving = true;
  state.message = { kind: 'info', text: 'Saving the mapping and preparing the CRM fields…' };
  app.render();
  try {
    const saved = await run('saveTable', {
      connectionId: draft.connectionId,
      object: draft.object,
      columns: state.columns.map(({ header, field, direction }) => ({ header, field, direction })),
      policy: state.policy as MappingDraft['policy'],
      region: state.region.trim().toUpperCase() || null,
    });
    const created = saved.propertiesCreated.length
      ? ` Created in the CRM: ${saved.propertiesCreated.join(', ')}.`
      : '';
    state.message = {
      kind: 'ok',
      text: `Saved: ${saved.mapped} columns sync with ${saved.object}.${created}`,
    };
    state.saving = false;
    await app.refresh();
    await load(app, draft.connectionId, saved.object, true);
    return;
  } catch (error) {
    state.message = { kind: 'error', text: messageOf(error) };
  }
  state.saving = false;
  app.render();
}

function columnRow(column: Column, fields: MappingDraft['fields']): HTMLElement {
  const field = h(
    'select',
    {
      'aria-label': `Field for ${column.header}`,
      onchange: (e: Event) => {
        column.field = (e.target as HTMLSelectElement).value || null;
      },
    },
    h('option', { value: '' }, '— not synced —'),
    ...fields.map((f) => h('option', { value: f.key, selected: f.key === column.field }, f.label)),
  );
  const direction = h(
    'select',
    {
      class: 'dir',
      'aria-label': `Direction for ${column.header}`,
      disabled: column.readOnly,
      title: column.readOnly
        ? 'The CRM computes this value: it only flows into the sheet.'
        : 'Which way changes flow',
      onchange: (e: Event) => {
        column.direction = (e.target as HTMLSelectElement).value as Direction;
      },
    },
    ...DIRECTIONS.map(([value, arrow, title]) =>
      h('option', { value, title, selected: value === column.direction }, arrow),
    ),
  );
  return h(
    'tr',
    {},
    h('td', { title: column.header }, column.header),
    h('td', {}, field),
    h('td', {}, direction),
  );
}

/** Object choice and the column ↔ field mapping, pre-filled from the headers, with per-field direction. */
export function mappingSection(app: App): HTMLElement {
  const { status } = app;
  const connection =
    status.connections.find((c) => c.id === status.table?.connectionId) ?? status.connections[0];
  if (!connection) return h('section', {}, notice('info', 'Connect a CRM account first (Connect tab).'));
  if (!state.draft && !state.loading && !state.failed)
    void load(app, connection.id, status.table?.object ?? null);
  const draft = state.draft;
  if (!draft) {
    return h(
      'section',
      {},
      state.message
        ? notice(state.message.kind, state.message.text)
        : h('p', { class: 'muted' }, 'Reading the header row…'),
    );
  }
  const objects = h(
    'select',
    {
      'aria-label': 'CRM object',
      disabled: Boolean(status.table),
      onchange: (e: Event) => void load(app, draft.connectionId, (e.target as HTMLSelectElement).value),
    },
    ...draft.objects.map((o) => h('option', { value: o, selected: o === draft.object }, o)),
  );
  const policy = h(
    'select',
    {
      'aria-label': 'When both sides changed',
      onchange: (e: Event) => (state.policy = (e.target as HTMLSelectElement).value),
    },
    ...POLICIES.map(([value, label]) => h('option', { value, selected: value === state.policy }, label)),
  );
  const region = h('input', {
    'aria-label': 'Phone region',
    value: state.region,
    maxlength: 2,
    placeholder: 'US',
    oninput: (e: Event) => (state.region = (e.target as HTMLInputElement).value),
  });
  return h(
    'section',
    {},
    h('h2', {}, `${draft.crmLabel} · ${status.tab.name}`),
    h('label', { class: 'field' }, 'Sync this tab with ', objects),
    draft.columns.length === 0
      ? notice('info', 'This tab has no header row yet. Type the column names in row 1, then reload.')
      : h(
          'table',
          { class: 'mapping', 'aria-label': 'Column mapping' },
          h('tbody', {}, ...state.columns.map((c) => columnRow(c, draft.fields))),
        ),
    h('label', { class: 'field' }, 'When both sides changed a field ', policy),
    h('label', { class: 'field' }, 'Phone numbers without a country code are in ', region),
    h(
      'div',
      { class: 'row' },
      h(
        'button',
        {
          class: 'primary',
          disabled: state.saving || draft.columns.length === 0,
          onclick: () => void save(app),
        },
        'Save mapping',
      ),
    ),
    state.message ? notice(state.message.kind, state.message.text) : null,
  );
}
