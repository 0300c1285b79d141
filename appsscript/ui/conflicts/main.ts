import type { ConflictReview, ConflictRow } from '../../src/sync/conflicts.ts';
import { h, notice, replace } from '../common/dom.ts';
import { closeHost, messageOf, run } from '../common/run.ts';

type Take = 'sheet' | 'crm';

const root = document.getElementById('app') as HTMLElement;
const state = {
  review: null as ConflictReview | null,
  choices: new Map<string, Take>(),
  busy: false,
  message: null as null | { kind: 'error' | 'ok' | 'info'; text: string },
};

function choose(id: string, take: Take): void {
  state.choices.set(id, take);
  render();
}

function chooseAll(take: Take): void {
  for (const conflict of state.review?.conflicts ?? []) state.choices.set(conflict.id, take);
  render();
}

async function load(): Promise<void> {
  try {
    state.review = await run('conflictReview');
    const open = new Set(state.review.conflicts.map((c) => c.id));
    for (const id of state.choices.keys()) if (!open.has(id)) state.choices.delete(id);
  } catch (error) {
    state.message = { kind: 'error', text: messageOf(error) };
  }
  render();
}

async function apply(): Promise<void> {
  const choices = [...state.choices].map(([conflictId, take]) => ({ conflictId, take }));
  if (choices.length === 0) return;
  state.busy = true;
  render();
  try {
    const report = await run('resolveConflicts', choices);
    const pending =
      report.crmPending > 0
        ? ` ${report.crmPending} value${report.crmPending === 1 ? '' : 's'} will be written to the CRM by the next sync.`
        : '';
    state.message = {
      kind: 'ok',
      text: `Resolved ${report.resolved} conflict${report.resolved === 1 ? '' : 's'}; ${report.sheetCellsWritten} sheet cell${report.sheetCellsWritten === 1 ? '' : 's'} updated.${pending}`,
    };
    state.choices.clear();
  } catch (error) {
    state.message = { kind: 'error', text: messageOf(error) };
  }
  state.busy = false;
  await load();
}

function radio(conflict: ConflictRow, take: Take, label: string): HTMLElement {
  return h(
    'label',
    { class: 'choice' },
    h('input', {
      type: 'radio',
      name: `take-${conflict.id}`,
      value: take,
      checked: state.choices.get(conflict.id) === take,
      'aria-label': `Keep the ${label} value for row ${conflict.row ?? '?'} ${conflict.label}`,
      onchange: () => choose(conflict.id, take),
    }),
    label,
  );
}

function conflictRow(conflict: ConflictRow): HTMLElement {
  const chosen = state.choices.get(conflict.id);
  const value = (text: string, side: Take) =>
    h(
      'td',
      { class: `value${chosen === side ? ' chosen' : ''}` },
      text === '' ? h('span', { class: 'muted' }, '(empty)') : text,
    );
  return h(
    'tr',
    { 'data-testid': 'conflict' },
    h('td', {}, conflict.row === null ? '—' : String(conflict.row)),
    h(
      'td',
      {},
      h('strong', {}, conflict.label),
      conflict.header && conflict.header !== conflict.label
        ? h('div', { class: 'muted' }, conflict.header)
        : null,
    ),
    h(
      'td',
      { class: 'value' },
      conflict.base === '' ? h('span', { class: 'muted' }, '(empty)') : conflict.base,
    ),
    value(conflict.sheet, 'sheet'),
    value(conflict.crm, 'crm'),
    h('td', { class: 'reason' }, conflict.reason),
    h('td', {}, radio(conflict, 'sheet', 'Sheet'), radio(conflict, 'crm', 'CRM')),
  );
}

function render(): void {
  const review = state.review;
  if (!review) {
    replace(
      root,
      state.message
        ? notice(state.message.kind, state.message.text)
        : h('p', { class: 'muted' }, 'Loading conflicts…'),
    );
    return;
  }
  const count = review.conflicts.length;
  const table =
    count === 0
      ? h('p', { class: 'empty' }, 'No open conflicts. Every field agrees on both sides.')
      : h(
          'table',
          { 'aria-label': 'Conflicts' },
          h(
            'colgroup',
            {},
            h('col', { class: 'c-row' }),
            h('col', { class: 'c-field' }),
            h('col', { class: 'c-value' }),
            h('col', { class: 'c-value' }),
            h('col', { class: 'c-value' }),
            h('col', { class: 'c-why' }),
            h('col', { class: 'c-choice' }),
          ),
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ...['Row', 'Field', 'Last synced', 'Sheet', 'CRM', 'Why', 'Keep'].map((t) => h('th', {}, t)),
            ),
          ),
          h('tbody', {}, ...review.conflicts.map(conflictRow)),
        );
  replace(
    root,
    h('h1', {}, `${count} conflict${count === 1 ? '' : 's'} in ${review.tab} ↔ ${review.object}`),
    h(
      'p',
      { class: 'muted' },
      'These fields changed in the sheet and in the CRM since the last sync. Choose which value to keep; it is written to both sides.',
    ),
    h(
      'div',
      { class: 'toolbar' },
      h(
        'button',
        { disabled: count === 0 || state.busy, onclick: () => chooseAll('sheet') },
        'Keep all sheet values',
      ),
      h(
        'button',
        { disabled: count === 0 || state.busy, onclick: () => chooseAll('crm') },
        'Keep all CRM values',
      ),
      h('span', { class: 'spacer' }),
      h('span', { class: 'muted' }, `${state.choices.size} of ${count} chosen`),
      h(
        'button',
        { class: 'primary', disabled: state.choices.size === 0 || state.busy, onclick: () => void apply() },
        'Apply',
      ),
      h('button', { onclick: () => closeHost() }, 'Close'),
    ),
    state.message ? notice(state.message.kind, state.message.text) : null,
    table,
  );
}

void load();
