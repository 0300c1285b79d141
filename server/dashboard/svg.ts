/** Text for HTML and SVG: the five characters that could open markup or end an attribute. */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char] ?? char,
  );
}

/** One line of a chart; null values leave a gap (nothing measured then). */
export interface ChartLine {
  readonly name: string;
  readonly values: readonly (number | null)[];
}

export interface LineChartSpec {
  readonly title: string;
  /** Shown after the numbers on the y axis, such as "s". */
  readonly unit?: string;
  /** Epoch ms of each point; every line's values align with it. */
  readonly at: readonly number[];
  readonly lines: readonly ChartLine[];
  /** What to say while there are no points yet. */
  readonly empty: string;
}

export const CHART_COLORS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2'];

const WIDTH = 480;
const HEIGHT = 200;
const LEFT = 52;
const RIGHT = 12;
const TOP = 12;
const BOTTOM = 26;

/** 1, 2 or 5 times a power of ten, at least `value`: round axis labels. */
export function niceCeiling(value: number): number {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

function formatNumber(value: number): string {
  if (value === 0) return '0';
  if (Math.abs(value) >= 1000) return `${Number((value / 1000).toPrecision(3))}k`;
  return String(Number(value.toPrecision(3)));
}

function clock(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19);
}

/** Runs of consecutive non-null points, each drawn as one polyline. */
function segments(points: readonly ({ x: number; y: number } | null)[]): { x: number; y: number }[][] {
  const out: { x: number; y: number }[][] = [];
  let current: { x: number; y: number }[] = [];
  for (const point of points) {
    if (point) current.push(point);
    else if (current.length) {
      out.push(current);
      current = [];
    }
  }
  if (current.length) out.push(current);
  return out;
}

/**
 * A line chart as inline SVG in a captioned figure with its legend, drawn on the server: no script or chart library in the page, so it works
 * with JavaScript off and under a strict Content-Security-Policy. Time runs left to right (UTC).
 */
export function lineChart(spec: LineChartSpec): string {
  const unit = spec.unit ? ` ${spec.unit}` : '';
  const plotWidth = WIDTH - LEFT - RIGHT;
  const plotHeight = HEIGHT - TOP - BOTTOM;
  const values = spec.lines.flatMap((line) => line.values.filter((v): v is number => v !== null));
  const top = niceCeiling(Math.max(0, ...values));
  const first = spec.at[0] ?? 0;
  const span = Math.max(1, (spec.at.at(-1) ?? 0) - first);
  const xOf = (i: number) =>
    LEFT + (spec.at.length === 1 ? 1 : ((spec.at[i] ?? first) - first) / span) * plotWidth;
  const yOf = (v: number) => TOP + plotHeight - (v / top) * plotHeight;
  const parts: string[] = [
    `<svg class="chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="${escapeHtml(spec.title)}" xmlns="http://www.w3.org/2000/svg">`,
    `<title>${escapeHtml(spec.title)}</title>`,
  ];
  for (const fraction of [0, 0.5, 1]) {
    const y = yOf(top * fraction);
    parts.push(
      `<line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${y}" y2="${y}" stroke="#e5e7eb"/>`,
      `<text x="${LEFT - 6}" y="${y + 4}" text-anchor="end" class="axis">${escapeHtml(formatNumber(top * fraction) + unit)}</text>`,
    );
  }
  if (spec.at.length === 0 || spec.lines.length === 0) {
    parts.push(
      `<text x="${LEFT + plotWidth / 2}" y="${TOP + plotHeight / 2}" text-anchor="middle" class="empty">${escapeHtml(spec.empty)}</text>`,
    );
  } else {
    parts.push(
      `<text x="${LEFT}" y="${HEIGHT - 6}" class="axis">${clock(first)}</text>`,
      `<text x="${WIDTH - RIGHT}" y="${HEIGHT - 6}" text-anchor="end" class="axis">${clock(first + span)} UTC</text>`,
    );
  }
  spec.lines.forEach((line, index) => {
    const color = CHART_COLORS[index % CHART_COLORS.length];
    const points = line.values.map((v, i) => (v === null ? null : { x: xOf(i), y: yOf(v) }));
    for (const run of segments(points)) {
      const coords = run.map((p) => `${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
      parts.push(
        run.length === 1
          ? `<circle cx="${run[0]?.x.toFixed(1)}" cy="${run[0]?.y.toFixed(1)}" r="2.5" fill="${color}"/>`
          : `<polyline points="${coords}" fill="none" stroke="${color}" stroke-width="2"/>`,
      );
    }
  });
  parts.push('</svg>');
  const legend = spec.lines
    .map(
      (line, index) =>
        `<li><span class="swatch" style="background:${CHART_COLORS[index % CHART_COLORS.length]}"></span>${escapeHtml(line.name)}</li>`,
    )
    .join('');
  return `<figure><figcaption>${escapeHtml(spec.title)}</figcaption>${parts.join('')}<ul class="legend">${legend}</ul></figure>`;
}
