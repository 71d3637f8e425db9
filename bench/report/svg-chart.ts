/** A line chart on logarithmic axes, as standalone SVG text with no dependency. */

export interface ChartPoint {
  x: number;
  y: number;
}

export interface ChartSeries {
  name: string;
  color: string;
  /** SVG stroke-dasharray, e.g. "6 4"; solid when absent. */
  dash?: string;
  points: ChartPoint[];
}

export interface LogChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  series: ChartSeries[];
  formatX(value: number): string;
  formatY(value: number): string;
}

/** Okabe–Ito colours, which stay distinct for the common kinds of colour blindness. */
export const CHART_COLORS = {
  blue: '#0072B2',
  orange: '#E69F00',
  green: '#009E73',
  vermillion: '#D55E00',
  purple: '#CC79A7',
} as const;

const WIDTH = 820;
const HEIGHT = 440;
const PLOT = { left: 80, top: 48, right: 540, bottom: 372 };
const LEGEND_X = 560;
const FONT = 'font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif"';

interface Scale {
  low: number;
  high: number;
  toPixel(value: number): number;
}

/**
 * Draws every series on log–log axes. The x ticks are the x values of the data; the y ticks are
 * the powers of ten that span the data. Throws when there is no positive point to draw.
 */
export function logLogChart(options: LogChartOptions): string {
  const points = options.series
    .flatMap((series) => series.points)
    .filter((point) => point.x > 0 && point.y > 0);
  if (points.length === 0)
    throw new RangeError(`The chart "${options.title}" has no positive values to plot.`);

  const xValues = [...new Set(points.map((point) => point.x))].sort((a, b) => a - b);
  const x = logScale(xValues[0]!, xValues[xValues.length - 1]!, PLOT.left, PLOT.right, {
    padDecades: 0.15,
  });
  const yValues = points.map((point) => point.y);
  const y = logScale(
    decadeBelow(Math.min(...yValues)),
    decadeAbove(Math.max(...yValues)),
    PLOT.bottom,
    PLOT.top,
    { padDecades: 0 },
  );

  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${escapeXml(options.title)}">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${PLOT.left}" y="28" ${FONT} font-size="16" font-weight="600" fill="#111">${escapeXml(options.title)}</text>`,
    ...yAxis(y, options),
    ...xAxis(x, xValues, options),
    `<rect x="${PLOT.left}" y="${PLOT.top}" width="${PLOT.right - PLOT.left}" height="${PLOT.bottom - PLOT.top}" fill="none" stroke="#444"/>`,
    ...options.series.flatMap((series) => drawSeries(series, x, y)),
    ...legend(options.series),
    '</svg>',
    '',
  ].join('\n');
}

function logScale(
  low: number,
  high: number,
  from: number,
  to: number,
  options: { padDecades: number },
): Scale {
  // A single value still needs a range to sit in the middle of.
  const lowLog = Math.log10(low) - options.padDecades - (low === high ? 0.5 : 0);
  const highLog = Math.log10(high) + options.padDecades + (low === high ? 0.5 : 0);
  return {
    low: 10 ** lowLog,
    high: 10 ** highLog,
    toPixel: (value) => from + ((Math.log10(value) - lowLog) / (highLog - lowLog)) * (to - from),
  };
}

function decadeBelow(value: number): number {
  return 10 ** Math.floor(Math.log10(value));
}

function decadeAbove(value: number): number {
  const decade = 10 ** Math.ceil(Math.log10(value));
  // A value exactly on a decade gets room above it.
  return decade === value ? decade * 10 : decade;
}

function yAxis(y: Scale, options: LogChartOptions): string[] {
  const lines: string[] = [];
  for (let decade = y.low; decade <= y.high * 1.0001; decade *= 10) {
    const pixel = round(y.toPixel(decade));
    lines.push(
      `<line x1="${PLOT.left}" y1="${pixel}" x2="${PLOT.right}" y2="${pixel}" stroke="#ddd"/>`,
    );
    lines.push(
      `<text x="${PLOT.left - 8}" y="${pixel + 4}" ${FONT} font-size="12" text-anchor="end" fill="#333">${escapeXml(options.formatY(decade))}</text>`,
    );
    for (const step of [2, 5]) {
      const minor = decade * step;
      if (minor >= y.high) continue;
      const minorPixel = round(y.toPixel(minor));
      lines.push(
        `<line x1="${PLOT.left}" y1="${minorPixel}" x2="${PLOT.right}" y2="${minorPixel}" stroke="#f1f1f1"/>`,
      );
    }
  }
  const middle = (PLOT.top + PLOT.bottom) / 2;
  lines.push(
    `<text x="20" y="${middle}" ${FONT} font-size="13" text-anchor="middle" fill="#111" transform="rotate(-90 20 ${middle})">${escapeXml(options.yLabel)}</text>`,
  );
  return lines;
}

function xAxis(x: Scale, values: number[], options: LogChartOptions): string[] {
  const lines = values.map((value) => {
    const pixel = round(x.toPixel(value));
    return [
      `<line x1="${pixel}" y1="${PLOT.top}" x2="${pixel}" y2="${PLOT.bottom}" stroke="#ddd"/>`,
      `<text x="${pixel}" y="${PLOT.bottom + 18}" ${FONT} font-size="12" text-anchor="middle" fill="#333">${escapeXml(options.formatX(value))}</text>`,
    ].join('\n');
  });
  lines.push(
    `<text x="${(PLOT.left + PLOT.right) / 2}" y="${PLOT.bottom + 44}" ${FONT} font-size="13" text-anchor="middle" fill="#111">${escapeXml(options.xLabel)}</text>`,
  );
  return lines;
}

function drawSeries(series: ChartSeries, x: Scale, y: Scale): string[] {
  const points = series.points
    .filter((point) => point.x > 0 && point.y > 0)
    .sort((a, b) => a.x - b.x);
  if (points.length === 0) return [];
  const coordinates = points.map(
    (point) => `${round(x.toPixel(point.x))},${round(y.toPixel(point.y))}`,
  );
  const dash = series.dash ? ` stroke-dasharray="${series.dash}"` : '';
  return [
    `<polyline points="${coordinates.join(' ')}" fill="none" stroke="${series.color}" stroke-width="2.5"${dash}/>`,
    ...coordinates.map((pair) => {
      const [cx, cy] = pair.split(',');
      return `<circle cx="${cx}" cy="${cy}" r="4" fill="${series.color}"/>`;
    }),
  ];
}

function legend(series: ChartSeries[]): string[] {
  return series.flatMap((entry, index) => {
    const top = PLOT.top + 8 + index * 26;
    const dash = entry.dash ? ` stroke-dasharray="${entry.dash}"` : '';
    return [
      `<line x1="${LEGEND_X}" y1="${top}" x2="${LEGEND_X + 28}" y2="${top}" stroke="${entry.color}" stroke-width="2.5"${dash}/>`,
      `<circle cx="${LEGEND_X + 14}" cy="${top}" r="4" fill="${entry.color}"/>`,
      `<text x="${LEGEND_X + 36}" y="${top + 4}" ${FONT} font-size="12" fill="#111">${escapeXml(entry.name)}</text>`,
    ];
  });
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}
