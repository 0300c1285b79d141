import type { DashboardData } from './schema.ts';
import { type ChartLine, escapeHtml, lineChart } from './svg.ts';

/** Adds up per-key series point by point (all CRMs together). */
function total(series: Readonly<Record<string, readonly number[]>>, length: number): number[] {
  return Array.from({ length }, (_, i) =>
    Object.values(series).reduce((sum, values) => sum + (values[i] ?? 0), 0),
  );
}

function linesOf(series: Readonly<Record<string, readonly (number | null)[]>>, suffix = ''): ChartLine[] {
  return Object.entries(series).map(([name, values]) => ({ name: `${name}${suffix}`, values }));
}

function sum(values: Readonly<Record<string, number>>): number {
  return Object.values(values).reduce((a, b) => a + b, 0);
}

function round(value: number): string {
  return String(Number(value.toFixed(2)));
}

function card(label: string, values: Readonly<Record<string, number>>): string {
  const parts = Object.entries(values)
    .map(([key, value]) => `${escapeHtml(key)} ${round(value)}`)
    .join(' · ');
  return `<div class="card"><div class="label">${escapeHtml(label)}</div><div class="value">${round(sum(values))}</div><div class="parts">${parts || '&nbsp;'}</div></div>`;
}

/** `/dashboard?…` with the filters given; undefined ones are left out. */
function link(params: Record<string, string | number | undefined>): string {
  const query = new URLSearchParams(
    Object.entries(params).flatMap(([key, value]) =>
      value === undefined ? [] : [[key, String(value)] as [string, string]],
    ),
  ).toString();
  return escapeHtml(query ? `/dashboard?${query}` : '/dashboard');
}

function json(value: unknown): string {
  if (value === null || value === undefined) return '';
  return escapeHtml(typeof value === 'string' ? value : JSON.stringify(value));
}

function table(headers: readonly string[], rows: readonly string[][], empty: string): string {
  if (rows.length === 0) return `<p class="none">${escapeHtml(empty)}</p>`;
  const head = headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = rows.map((cells) => `<tr>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('');
  return `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

function charts(data: DashboardData): string {
  const { series } = data;
  const per = `per ${data.intervalSeconds} s`;
  const waiting = `Collecting: the first point appears within ${data.intervalSeconds} s`;
  const apiLines = [...linesOf(series.apiCalls, ' calls'), ...linesOf(series.apiErrors, ' errors')];
  const latency = Object.keys(series.latencyP50).flatMap((crm) => [
    { name: `${crm} p50`, values: series.latencyP50[crm] ?? [] },
    { name: `${crm} p99`, values: series.latencyP99[crm] ?? [] },
  ]);
  return [
    lineChart({
      title: `Records synced (${per})`,
      at: series.at,
      lines: linesOf(series.synced),
      empty: waiting,
    }),
    lineChart({
      title: `Sync successes vs failures (${per})`,
      at: series.at,
      lines: [
        { name: 'synced', values: total(series.synced, series.at.length) },
        { name: 'failed', values: total(series.failed, series.at.length) },
      ],
      empty: waiting,
    }),
    lineChart({ title: `CRM API calls and errors (${per})`, at: series.at, lines: apiLines, empty: waiting }),
    lineChart({
      title: `CRM quota: seconds waited on rate limits (${per})`,
      unit: 's',
      at: series.at,
      lines: linesOf(series.rateLimitWaitSeconds),
      empty: waiting,
    }),
    lineChart({
      title: 'Webhook → sheet latency',
      unit: 's',
      at: series.at,
      lines: latency,
      empty: waiting,
    }),
    lineChart({
      title: 'Queue depth (jobs waiting or running)',
      at: series.at,
      lines: linesOf(series.queueDepth),
      empty: waiting,
    }),
  ].join('');
}

function errors(data: DashboardData): string {
  const codes = table(
    ['Kind', 'CRM', 'Code', 'Count'],
    data.errorCodes.map((e) => [
      e.kind === 'sync' ? 'sync failure' : 'CRM API error',
      escapeHtml(e.crm),
      `<code>${escapeHtml(e.code)}</code>`,
      String(e.count),
    ]),
    'No sync failures or CRM API errors since this instance started.',
  );
  const jobs = table(
    ['When (UTC)', 'Job', 'Table', 'Code', 'Message'],
    data.recentErrors.map((e) => [
      escapeHtml(e.at.replace('T', ' ').slice(0, 19)),
      escapeHtml(e.kind),
      e.tableId ? `<a href="${link({ table: e.tableId })}">${escapeHtml(e.tableName ?? e.tableId)}</a>` : '',
      `<code>${escapeHtml(e.code)}</code>`,
      escapeHtml(e.message),
    ]),
    'No failed jobs.',
  );
  return `<h2>Errors by code</h2>${codes}<h2>Recent failed jobs</h2>${jobs}`;
}

function audit(data: DashboardData): string {
  const { table: tableId, record, entries, nextBefore } = data.audit;
  const form = `<form method="get" action="/dashboard" class="filters">
<label>Table id <input name="table" value="${escapeHtml(tableId ?? '')}" size="38"></label>
<label>Record (Rowbridge ID or CRM id) <input name="record" value="${escapeHtml(record ?? '')}" size="24"></label>
<button type="submit">Filter</button> <a href="/dashboard">Clear</a></form>`;
  const rows = entries.map((e) => [
    escapeHtml(e.at.replace('T', ' ').slice(0, 19)),
    e.tableId ? `<a href="${link({ table: e.tableId })}">${escapeHtml(e.tableName ?? e.tableId)}</a>` : '',
    e.tableId && e.rowId
      ? `<a href="${link({ table: e.tableId, record: e.rowId })}">${escapeHtml(e.rowId)}</a>`
      : escapeHtml(e.rowId ?? ''),
    escapeHtml(e.crmId ?? ''),
    escapeHtml(e.action),
    escapeHtml(e.field ?? ''),
    json(e.oldValue),
    json(e.newValue),
    `${escapeHtml(e.source)} · ${escapeHtml(e.actor)}`,
    escapeHtml(e.explanation ?? ''),
  ]);
  const older =
    nextBefore === undefined
      ? ''
      : `<p><a href="${link({ table: tableId, record, before: nextBefore })}">Older entries →</a></p>`;
  return `<h2>Audit trail</h2>${form}${table(
    ['When (UTC)', 'Table', 'Record', 'CRM id', 'Action', 'Field', 'Old', 'New', 'By', 'Why'],
    rows,
    'No audit entries match.',
  )}${older}`;
}

const STYLE = `body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#111827;background:#f9fafb}
header{background:#111827;color:#fff;padding:12px 24px;display:flex;gap:16px;align-items:baseline}
header h1{font-size:18px;margin:0}header .mode{background:#374151;border-radius:4px;padding:2px 8px}
main{padding:16px 24px}h2{font-size:16px;margin:24px 0 8px}.note{color:#4b5563}
.cards{display:flex;flex-wrap:wrap;gap:12px}.card{background:#fff;border:1px solid #e5e7eb;border-radius:6px;padding:8px 12px;min-width:150px}
.card .label{color:#4b5563;font-size:12px}.card .value{font-size:22px;font-weight:600}.card .parts{color:#6b7280;font-size:12px}
.charts{display:flex;flex-wrap:wrap;gap:12px}figure{margin:0;background:#fff;border:1px solid #e5e7eb;border-radius:6px;padding:8px}
figcaption{font-weight:600;margin-bottom:4px}.axis{font-size:10px;fill:#6b7280}.empty{font-size:12px;fill:#9ca3af}
ul.legend{list-style:none;display:flex;flex-wrap:wrap;gap:4px 12px;padding:0;margin:4px 0 0;font-size:12px}
.swatch{display:inline-block;width:10px;height:10px;margin-right:4px;border-radius:2px}
table{border-collapse:collapse;background:#fff;width:100%;font-size:13px}th,td{border:1px solid #e5e7eb;padding:4px 6px;text-align:left;vertical-align:top}
th{background:#f3f4f6}td{max-width:280px;overflow-wrap:anywhere}.none{color:#6b7280}.filters{margin-bottom:8px;display:flex;gap:12px;align-items:center;flex-wrap:wrap}`;

/**
 * The dashboard as one HTML page with inline SVG charts and no script: it refreshes itself every 30 s,
 * and filters and paging are plain links and a GET form.
 */
export function renderDashboard(data: DashboardData): string {
  const { totals } = data;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="30"><title>Rowbridge dashboard</title><style>${STYLE}</style></head>
<body><header><h1>Rowbridge</h1><span class="mode">${escapeHtml(data.mode)} mode</span><span>Updated ${escapeHtml(data.generatedAt.replace('T', ' ').slice(0, 19))} UTC</span></header>
<main><p class="note">Charts and counts are this instance's, for the last hour, sampled every ${data.intervalSeconds} s (Prometheus at <a href="/metrics">/metrics</a> keeps longer history). Failed jobs and the audit trail come from the database and cover every instance.</p>
<div class="cards">${card('Records synced', totals.synced)}${card('Sync failures', totals.failed)}${card('CRM API calls', totals.apiCalls)}${card('CRM API errors', totals.apiErrors)}${card('Rate-limit waits', totals.rateLimitWaits)}${card('Queue depth', totals.queueDepth)}</div>
<h2>Last hour</h2><div class="charts">${charts(data)}</div>
${errors(data)}
${audit(data)}
</main></body></html>`;
}
