import { h, notice } from '../common/dom.ts';
import { messageOf, run } from '../common/run.ts';
import type { App } from './main.ts';

/** The connect section's own state, kept across redraws. */
const state = {
  crm: 'hubspot',
  busy: false,
  message: null as null | { kind: 'error' | 'ok' | 'info'; text: string },
  /** The connect URL, shown as a link when the browser blocked the popup. */
  blockedUrl: null as string | null,
};

/** How often the sidebar checks whether the connect popup finished, besides listening for its message. */
const POPUP_POLL_MS = 1000;

function say(app: App, kind: 'error' | 'ok' | 'info', text: string): void {
  state.message = { kind, text };
  app.render();
}

/**
 * Connects through the CRM's consent page in a popup. The popup is opened at once, in the click, because
 * browsers block popups opened later (after the answer arrives); it is pointed at the companion's URL
 * when it comes. The companion's last page tells this page (`rowbridge:connect` message) and closes;
 * checking whether the popup closed covers browsers that drop the message.
 */
async function connectOAuth(app: App): Promise<void> {
  const popup = window.open('', 'rowbridge-connect', 'width=520,height=680');
  state.busy = true;
  state.blockedUrl = null;
  say(app, 'info', 'Finish connecting in the window that opened…');
  let url: string;
  try {
    ({ url } = await run('connectCrm', state.crm));
  } catch (error) {
    popup?.close();
    state.busy = false;
    say(app, 'error', messageOf(error));
    return;
  }
  if (popup) popup.location.href = url;
  else {
    state.busy = false;
    state.blockedUrl = url;
    say(app, 'info', 'Your browser blocked the window. Open the connect page, then come back:');
    return;
  }
  await new Promise<void>((resolve) => {
    const done = () => {
      window.removeEventListener('message', onMessage);
      clearInterval(timer);
      resolve();
    };
    const onMessage = (event: MessageEvent) => {
      const data = event.data as { type?: string; ok?: boolean; message?: string; label?: string } | null;
      if (data?.type !== 'rowbridge:connect') return;
      state.message = data.ok
        ? { kind: 'ok', text: `Connected ${data.label ?? ''}.` }
        : { kind: 'error', text: data.message ?? 'Connecting failed.' };
      done();
    };
    const timer = setInterval(() => {
      if (popup.closed) done();
    }, POPUP_POLL_MS);
    window.addEventListener('message', onMessage);
  });
  state.busy = false;
  await app.refresh();
}

async function connectToken(app: App, input: HTMLInputElement): Promise<void> {
  state.busy = true;
  app.render();
  try {
    const connection = await run('connectWithToken', 'hubspot', input.value);
    state.message = { kind: 'ok', text: `Connected ${connection.label} with a private app token.` };
  } catch (error) {
    state.message = { kind: 'error', text: messageOf(error) };
  }
  state.busy = false;
  await app.refresh();
}

async function disconnect(app: App, id: string): Promise<void> {
  try {
    await run('disconnectCrm', id);
    state.message = { kind: 'ok', text: 'Disconnected.' };
  } catch (error) {
    state.message = { kind: 'error', text: messageOf(error) };
  }
  await app.refresh();
}

/** Connected accounts, connecting a CRM (OAuth popup or a HubSpot private app token). */
export function connectionSection(app: App): HTMLElement {
  const { status } = app;
  const accounts = status.connections.map((c) =>
    h(
      'li',
      { 'data-testid': 'connection' },
      h('strong', {}, c.crmLabel),
      ` ${c.label} `,
      h('span', { class: `pill ${c.status}` }, c.status),
      ' ',
      h('button', { class: 'link', onclick: () => void disconnect(app, c.id) }, 'Disconnect'),
    ),
  );
  const select = h(
    'select',
    { 'aria-label': 'CRM', onchange: (e: Event) => (state.crm = (e.target as HTMLSelectElement).value) },
    ...status.crms.map((crm) => h('option', { value: crm.id, selected: crm.id === state.crm }, crm.label)),
  );
  const token = h('input', {
    type: 'password',
    'aria-label': 'Private app token',
    placeholder: 'pat-na1-…',
    autocomplete: 'off',
  });
  return h(
    'section',
    {},
    h('h2', {}, 'CRM accounts'),
    accounts.length > 0
      ? h('ul', { class: 'list' }, ...accounts)
      : h('p', { class: 'muted' }, 'No CRM connected yet.'),
    h(
      'div',
      { class: 'row' },
      select,
      h(
        'button',
        { class: 'primary', disabled: state.busy, onclick: () => void connectOAuth(app) },
        'Connect',
      ),
    ),
    state.message ? notice(state.message.kind, state.message.text) : null,
    state.blockedUrl
      ? h(
          'a',
          { href: state.blockedUrl, target: '_blank', rel: 'noopener', onclick: () => void app.refresh() },
          'Open the connect page',
        )
      : null,
    h(
      'details',
      {},
      h('summary', {}, 'Use a HubSpot private app token instead'),
      h(
        'p',
        { class: 'muted' },
        'Paste the token of a private app in your portal (Settings → Integrations → Private apps).',
      ),
      h(
        'div',
        { class: 'row' },
        token,
        h(
          'button',
          { disabled: state.busy, onclick: () => void connectToken(app, token) },
          'Connect with token',
        ),
      ),
    ),
    h(
      'p',
      { class: 'muted' },
      `Signed in as ${status.user ?? '…'}`,
      h('span', { 'data-testid': 'companion-url' }, ` · companion ${status.companionUrl}`),
    ),
  );
}
