/**
 * Apps Script's client side for the add-on's pages in the preview: `google.script.run` posts to
 * `/preview/run`, where the add-on's real function runs; `google.script.host.close()` asks the preview
 * page to close the dialog. As in Apps Script, a call's answer is always asynchronous, and Dates and
 * functions are refused as arguments.
 * https://developers.google.com/apps-script/guides/html/reference/run
 */
export function scriptShim(): string {
  return `(() => {
  const check = (value, path) => {
    if (value instanceof Date || typeof value === 'function' || typeof value === 'symbol') {
      throw new Error('Failed due to illegal value in property: ' + path);
    }
    if (value && typeof value === 'object') for (const [key, inner] of Object.entries(value)) check(inner, path ? path + '.' + key : key);
  };
  const notify = (message) => { if (window.parent !== window) window.parent.postMessage(message, location.origin); };
  const call = async (name, args) => {
    const response = await fetch('/preview/run', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ function: name, args }),
    });
    const answer = await response.json();
    if (!response.ok) return { ok: false, message: (answer.error && answer.error.message) || response.statusText };
    for (const page of answer.shown || []) notify({ type: 'rowbridge-preview:shown', page });
    notify({ type: 'rowbridge-preview:ran', name });
    return answer;
  };
  const runner = (success, failure, user) => new Proxy({}, {
    get(_, name) {
      if (name === 'withSuccessHandler') return (f) => runner(f, failure, user);
      if (name === 'withFailureHandler') return (f) => runner(success, f, user);
      if (name === 'withUserObject') return (o) => runner(success, failure, o);
      if (typeof name !== 'string') return undefined;
      return (...args) => {
        args.forEach((arg, i) => check(arg, String(i)));
        const copy = JSON.parse(JSON.stringify(args));
        call(name, copy).then(
          (answer) => {
            if (answer.ok) { if (success) success(answer.value, user); }
            else if (failure) failure(new Error(answer.message), user);
          },
          (error) => { if (failure) failure(new Error(String(error && error.message || error)), user); },
        );
      };
    },
  });
  window.google = { script: {
    get run() { return runner(null, null, undefined); },
    host: { close() { notify({ type: 'rowbridge-preview:close' }); }, setHeight() {}, setWidth() {}, editor: { focus() {} } },
  } };
})();`;
}

const STYLE = `
* { box-sizing: border-box; }
body { margin: 0; font: 13px/1.4 system-ui, sans-serif; color: #202124; background: #f8f9fa; display: flex; flex-direction: column; height: 100vh; }
header { display: flex; align-items: center; gap: 12px; padding: 8px 16px; background: #fff; border-bottom: 1px solid #dadce0; }
header h1 { font-size: 16px; margin: 0; font-weight: 500; }
header .hint { color: #5f6368; flex: 1; }
button { font: inherit; padding: 4px 10px; border: 1px solid #dadce0; border-radius: 4px; background: #fff; cursor: pointer; }
button.primary { background: #1a73e8; color: #fff; border-color: #1a73e8; }
main { display: grid; grid-template-columns: minmax(0, 1fr) 300px; grid-template-rows: minmax(0, 1fr); flex: 1; min-height: 0; }
.left { display: grid; grid-template-rows: minmax(0, 3fr) minmax(0, 2fr); min-width: 0; }
.pane { overflow: auto; background: #fff; border-right: 1px solid #dadce0; }
.pane h2 { position: sticky; left: 0; font-size: 13px; font-weight: 500; margin: 0; padding: 6px 10px; color: #5f6368; }
table { border-collapse: collapse; }
.grid td, .grid th { border: 1px solid #e0e0e0; padding: 2px 6px; white-space: nowrap; max-width: 220px; overflow: hidden; text-overflow: ellipsis; height: 22px; }
.grid th { background: #f1f3f4; font-weight: 400; color: #5f6368; position: sticky; top: 0; z-index: 1; }
.grid td.num { background: #f1f3f4; color: #5f6368; text-align: right; position: sticky; left: 0; }
.grid tr.header td { font-weight: 600; }
.grid td.changed { background: #e6f4ea; transition: background 2s; }
.grid td input, .crm td input { font: inherit; width: 100%; border: 2px solid #1a73e8; padding: 0 2px; }
.crm { border-top: 1px solid #dadce0; }
.crm .tabs { display: flex; gap: 4px; padding: 6px 10px 0; position: sticky; left: 0; }
.crm .tabs button[aria-selected="true"] { background: #e8f0fe; border-color: #1a73e8; }
.crm td, .crm th { border-bottom: 1px solid #eee; padding: 3px 8px; text-align: left; white-space: nowrap; }
.crm td.editable { cursor: text; }
.crm td.editable:hover { background: #f1f3f4; }
iframe.sidebar { width: 300px; height: 100%; border: 0; background: #fff; }
#dialog { position: fixed; inset: 0; background: rgba(32,33,36,.5); display: none; align-items: center; justify-content: center; z-index: 10; }
#dialog.open { display: flex; }
#dialog .frame { background: #fff; border-radius: 8px; box-shadow: 0 4px 24px rgba(0,0,0,.3); display: flex; flex-direction: column; max-width: 96vw; max-height: 94vh; }
#dialog .title { padding: 10px 16px; font-size: 15px; display: flex; justify-content: space-between; }
#dialog iframe { border: 0; max-width: 96vw; max-height: calc(94vh - 44px); }
#status { color: #188038; }
`;

const SCRIPT = `
const $ = (selector) => document.querySelector(selector);
const letters = (n) => { let s = ''; for (n += 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s; return s; };
let sheet = { rows: [] };
let previous = [];
let editing = false;
let crm = 'hubspot';
const status = (text) => { $('#status').textContent = text; };

async function json(url, init) {
  const response = await fetch(url, init && { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(init) });
  const body = await response.json();
  if (!response.ok) throw new Error(body.error ? body.error.message : response.statusText);
  return body;
}

function renderGrid() {
  const rows = sheet.rows;
  const width = Math.max(8, ...rows.map((r) => r.length));
  const height = Math.max(rows.length + 3, 20);
  const table = document.createElement('table');
  table.className = 'grid';
  const head = table.insertRow();
  head.appendChild(document.createElement('th'));
  for (let c = 0; c < width; c += 1) { const th = document.createElement('th'); th.textContent = letters(c); head.appendChild(th); }
  for (let r = 0; r < height; r += 1) {
    const tr = table.insertRow();
    if (r === 0) tr.className = 'header';
    const num = tr.insertCell(); num.className = 'num'; num.textContent = String(r + 1);
    for (let c = 0; c < width; c += 1) {
      const td = tr.insertCell();
      const value = rows[r] && rows[r][c] !== undefined ? String(rows[r][c]) : '';
      td.textContent = value;
      td.title = value;
      td.dataset.cell = letters(c) + (r + 1);
      const before = previous[r] && previous[r][c] !== undefined ? String(previous[r][c]) : '';
      if (previous.length && before !== value) td.className = 'changed';
      td.addEventListener('dblclick', () => editCell(td, r + 1, c + 1, value));
    }
  }
  $('#grid').replaceChildren(table);
}

function editor(td, value, save) {
  editing = true;
  const input = document.createElement('input');
  input.value = value;
  td.replaceChildren(input);
  input.focus();
  input.select();
  const done = async (commit) => {
    if (!editing) return;
    editing = false;
    if (commit && input.value !== value) await save(input.value);
    else td.textContent = value;
  };
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') done(true);
    if (event.key === 'Escape') done(false);
  });
  input.addEventListener('blur', () => done(false));
}

function editCell(td, row, column, value) {
  editor(td, value, async (next) => {
    td.textContent = next;
    status('Saving ' + td.dataset.cell + '…');
    try {
      const answer = await json('/preview/sheet/edit', { row, column, value: next });
      status(answer.ok ? 'Edited ' + td.dataset.cell + ' (the add-on\\'s onEdit trigger ran)' : answer.message);
      refreshSidebar();
    } catch (error) { status(error.message); }
    await loadSheet();
  });
}

async function loadSheet() {
  if (editing) return;
  const next = await json('/preview/sheet');
  // A cell may have gone into editing while the request was out: re-rendering would drop the input.
  if (editing || JSON.stringify(next.rows) === JSON.stringify(sheet.rows)) return;
  previous = sheet.rows;
  sheet = next;
  $('#sheet-title').textContent = next.title + ' — ' + next.tab + ' (' + Math.max(0, next.rows.length - 1) + ' rows)';
  renderGrid();
}

const COLUMNS = {
  hubspot: ['email', 'firstname', 'lastname', 'company', 'phone', 'country', 'city'],
  salesforce: ['Email', 'FirstName', 'LastName', 'Company', 'Phone', 'Country'],
};

async function loadCrm() {
  if (editing) return;
  const { records } = await json('/preview/crm/' + crm);
  if (editing) return;
  const columns = COLUMNS[crm];
  const table = document.createElement('table');
  table.dataset.testid = crm + '-records';
  const head = table.insertRow();
  for (const name of ['id', ...columns]) { const th = document.createElement('th'); th.textContent = name; head.appendChild(th); }
  for (const record of records) {
    const fields = crm === 'hubspot' ? record.properties : record;
    const id = crm === 'hubspot' ? record.id : record.Id;
    const tr = table.insertRow();
    tr.dataset.recordId = id;
    tr.insertCell().textContent = id;
    for (const name of columns) {
      const td = tr.insertCell();
      const value = fields[name] == null ? '' : String(fields[name]);
      td.textContent = value;
      td.dataset.field = name;
      if (crm === 'hubspot') {
        td.className = 'editable';
        td.addEventListener('dblclick', () => editor(td, value, async (next) => {
          td.textContent = next;
          try {
            await json('/preview/crm/hubspot/' + id, { properties: { [name]: next } });
            status('Edited contact ' + id + ' in HubSpot: its webhook is on the way to the companion');
          } catch (error) { status(error.message); }
          loadCrm();
        }));
      }
    }
  }
  $('#crm-records').replaceChildren(table);
}

function refreshSidebar() {
  const frame = $('#sidebar');
  const refresh = frame.contentDocument && frame.contentDocument.querySelector('button[aria-label="Refresh"]');
  if (refresh) refresh.click();
}

function openDialog(page) {
  $('#dialog-title').textContent = page.title;
  const frame = $('#dialog-frame');
  frame.style.width = (page.width || 600) + 'px';
  frame.style.height = (page.height || 400) + 'px';
  frame.src = '/preview/frame/' + page.id;
  $('#dialog').classList.add('open');
}

function closeDialog() {
  $('#dialog').classList.remove('open');
  $('#dialog-frame').src = 'about:blank';
  refreshSidebar();
}

window.addEventListener('message', (event) => {
  if (event.origin !== location.origin || !event.data) return;
  if (event.data.type === 'rowbridge-preview:shown' && event.data.page.kind === 'dialog') openDialog(event.data.page);
  if (event.data.type === 'rowbridge-preview:close') closeDialog();
  if (event.data.type === 'rowbridge-preview:ran') setTimeout(loadSheet, 200);
});

for (const button of document.querySelectorAll('.crm .tabs button')) {
  button.addEventListener('click', () => {
    crm = button.dataset.crm;
    for (const other of document.querySelectorAll('.crm .tabs button')) other.setAttribute('aria-selected', String(other === button));
    loadCrm();
  });
}
$('#dialog-close').addEventListener('click', closeDialog);
$('#conflict').addEventListener('click', async () => {
  status('Editing Country on both sides…');
  try {
    const answer = await json('/preview/conflict', {});
    status('Row ' + answer.row + ': Country changed in the sheet and in HubSpot at once. Open the conflict from the sidebar.');
    refreshSidebar();
  } catch (error) { status(error.message); }
  loadSheet();
  loadCrm();
});

const tick = (load, ms) => { const go = () => load().catch(() => {}).finally(() => setTimeout(go, ms)); go(); };
tick(loadSheet, 1500);
tick(loadCrm, 2000);
`;

/** The preview page: the sample sheet as a live grid, the real sidebar beside it, the sandbox CRMs below. */
export function renderPreviewPage(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Rowbridge preview</title>
<style>${STYLE}</style>
</head>
<body>
<header>
  <h1>Rowbridge preview</h1>
  <span class="hint">Sandbox: a sample sheet, the real add-on sidebar, sandbox HubSpot and Salesforce. Double-click a cell to edit it.</span>
  <span id="status" role="status"></span>
  <button id="conflict" title="Edit the same field in the sheet and in HubSpot at the same moment">Provoke a conflict</button>
</header>
<main>
  <div class="left">
    <section class="pane" aria-label="Sheet">
      <h2 id="sheet-title">Sheet</h2>
      <div id="grid"></div>
    </section>
    <section class="pane crm" aria-label="CRM">
      <div class="tabs">
        <button data-crm="hubspot" aria-selected="true">HubSpot contacts</button>
        <button data-crm="salesforce" aria-selected="false">Salesforce leads</button>
      </div>
      <div id="crm-records"></div>
    </section>
  </div>
  <iframe id="sidebar" class="sidebar" title="Rowbridge sidebar" src="/preview/frame/sidebar"></iframe>
</main>
<div id="dialog" role="dialog" aria-modal="true" aria-labelledby="dialog-title">
  <div class="frame">
    <div class="title"><span id="dialog-title"></span><button id="dialog-close" aria-label="Close dialog">×</button></div>
    <iframe id="dialog-frame" title="Rowbridge dialog"></iframe>
  </div>
</div>
<script>${SCRIPT}</script>
</body>
</html>`;
}
