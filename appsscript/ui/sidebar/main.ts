import type { SidebarStatus } from '../../src/sync/status.ts';
import { ago, h, notice, replace } from '../common/dom.ts';
import { messageOf, run } from '../common/run.ts';
import { connectionSection } from './connection.ts';
import { mappingSection } from './mapping.ts';
import { syncSection } from './sync.ts';

/** What every section reads and how it asks for a fresh status after changing something. */
export interface App {
  status: SidebarStatus;
  /** Reloads the status from the server, then draws again. */
  refresh(): Promise<void>;
  /** Draws again from the sections' own state (after an answer arrives). */
  render(): void;
}

type Tab = 'connect' | 'map' | 'sync';
const TABS: readonly (readonly [Tab, string])[] = [
  ['connect', 'Connect'],
  ['map', 'Mapping'],
  ['sync', 'Sync'],
];

/**
 * How often an open, visible sidebar refreshes its status and pushes edits still waiting. A status costs
 * five UrlFetch calls, and consumer accounts get 20,000 a day: a minute keeps a sidebar open all working
 * day under 2,500.
 */
const REFRESH_MS = 60_000;

const root = document.getElementById('app') as HTMLElement;
let tab: Tab = 'connect';

function statusLine(status: SidebarStatus): HTMLElement {
  const connection =
    status.connections.find((c) => c.id === status.table?.connectionId) ?? status.connections[0];
  const parts: (string | HTMLElement)[] = [];
  if (status.table) {
    parts.push(
      h('span', { class: 'pill ok' }, 'Syncing'),
      ` ${status.tab.name} ↔ ${connection?.crmLabel ?? ''} ${status.table.object}`,
    );
  } else if (connection) parts.push(h('span', { class: 'pill' }, 'Not mapped'), ` ${status.tab.name}`);
  else parts.push(h('span', { class: 'pill' }, 'Not connected'));
  const live = status.liveSync
    ? `live edits on${status.waiting ? `, ${status.waiting} waiting` : ''}`
    : 'live edits off';
  return h(
    'div',
    { class: 'status muted', 'data-testid': 'status' },
    ...parts,
    h('br'),
    `Last sync ${ago(status.lastSync)} · ${live}`,
  );
}

function header(app: App): HTMLElement {
  const { status } = app;
  const badge =
    status.conflicts > 0
      ? h(
          'button',
          {
            class: 'badge',
            'data-testid': 'conflicts-badge',
            title: 'Review conflicts',
            onclick: () => void run('openConflicts'),
          },
          `${status.conflicts} conflict${status.conflicts === 1 ? '' : 's'}`,
        )
      : h('span', { class: 'pill ok', 'data-testid': 'conflicts-badge' }, 'No conflicts');
  const refresh = h(
    'button',
    { class: 'link', title: 'Refresh', 'aria-label': 'Refresh', onclick: () => void app.refresh() },
    '↻',
  );
  return h(
    'header',
    {},
    h('div', { class: 'row' }, h('h1', {}, 'Rowbridge'), h('div', { class: 'row' }, badge, refresh)),
    statusLine(status),
  );
}

function render(app: App): void {
  const nav = h(
    'nav',
    { role: 'tablist' },
    ...TABS.map(([id, label]) =>
      h(
        'button',
        {
          role: 'tab',
          'aria-selected': String(tab === id),
          onclick: () => {
            tab = id;
            app.render();
          },
        },
        label,
      ),
    ),
  );
  const body =
    tab === 'connect' ? connectionSection(app) : tab === 'map' ? mappingSection(app) : syncSection(app);
  replace(
    root,
    header(app),
    app.status.error ? notice('error', app.status.error) : null,
    nav,
    h('div', { role: 'tabpanel' }, body),
  );
}

async function start(): Promise<void> {
  let status: SidebarStatus;
  try {
    status = await run('getStatus');
  } catch (error) {
    replace(root, notice('error', messageOf(error)));
    return;
  }
  const app: App = {
    status,
    async refresh() {
      try {
        app.status = await run('getStatus');
      } catch (error) {
        app.status = { ...app.status, error: messageOf(error) };
      }
      app.render();
    },
    render: () => render(app),
  };
  if (status.table) tab = 'sync';
  else if (status.connections.length > 0) tab = 'map';
  render(app);
  setInterval(() => {
    if (document.visibilityState !== 'visible') return;
    void (async () => {
      if (app.status.liveSync && app.status.waiting > 0) await run('flushEdits').catch(() => undefined);
      await app.refresh();
    })();
  }, REFRESH_MS);
}

void start();
