import { median } from '../lib/stats.ts';
import { formatDecadeMs, formatShortCount } from './format.ts';
import type { BenchResults } from './results.ts';
import { CHART_COLORS, logLogChart, type ChartSeries } from './svg-chart.ts';

export interface ChartFile {
  /** File name under docs/images/. */
  name: string;
  alt: string;
  svg: string;
}

/** Builds the plots this run has data for: list latency against store size, revoke-all time against count. */
export function buildCharts(results: BenchResults): ChartFile[] {
  const charts: ChartFile[] = [];
  if (results.list && results.list.length > 0) charts.push(listChart(results.list));
  if (results.revoke && results.revoke.length > 0) charts.push(revokeChart(results.revoke));
  return charts;
}

function listChart(list: NonNullable<BenchResults['list']>): ChartFile {
  const series: ChartSeries[] = [
    {
      name: 'tracker API, p50',
      color: CHART_COLORS.blue,
      points: list.map((r) => ({ x: r.size, y: r.tracker.p50 })),
    },
    {
      name: 'tracker API, p95',
      color: CHART_COLORS.blue,
      dash: '6 4',
      points: list.map((r) => ({ x: r.size, y: r.tracker.p95 })),
    },
    {
      name: 'bare SCIM query, p50',
      color: CHART_COLORS.green,
      points: list.map((r) => ({ x: r.size, y: r.scim.p50 })),
    },
    {
      name: 'naive fetch-all, median',
      color: CHART_COLORS.vermillion,
      points: list.map((r) => ({ x: r.size, y: median(r.naive.passesMs) })),
    },
  ];
  return {
    name: 'bench-list-latency.svg',
    alt: 'Dashboard list latency against the number of delegations in the store, log-log',
    svg: logLogChart({
      title: 'One user’s dashboard list (20 delegations) against store size',
      xLabel: 'delegations in the authorization server',
      yLabel: 'latency (log scale)',
      series,
      formatX: formatShortCount,
      formatY: formatDecadeMs,
    }),
  };
}

function revokeChart(rows: NonNullable<BenchResults['revoke']>): ChartFile {
  const pick = (delayMs: number, field: 'trackerMs' | 'oneByOneMs') =>
    rows
      .filter((row) => row.delayMs === delayMs)
      .map((row) => ({ x: row.count, y: median(row[field]) }));
  const series: ChartSeries[] = [
    {
      name: 'tracker revoke-all, 0 ms delay',
      color: CHART_COLORS.blue,
      points: pick(0, 'trackerMs'),
    },
    {
      name: 'tracker revoke-all, 5 ms delay',
      color: CHART_COLORS.blue,
      dash: '6 4',
      points: pick(5, 'trackerMs'),
    },
    {
      name: 'one at a time, 0 ms delay',
      color: CHART_COLORS.orange,
      points: pick(0, 'oneByOneMs'),
    },
    {
      name: 'one at a time, 5 ms delay',
      color: CHART_COLORS.orange,
      dash: '6 4',
      points: pick(5, 'oneByOneMs'),
    },
  ];
  return {
    name: 'bench-revoke-all.svg',
    alt: 'Time to revoke all of one user’s delegations against their number, log-log',
    svg: logLogChart({
      title: 'Revoke-all time against number of delegations (SCIM delay per request)',
      xLabel: 'issued delegations of the user',
      yLabel: 'time to revoke all (log scale)',
      series,
      formatX: formatShortCount,
      formatY: formatDecadeMs,
    }),
  };
}
