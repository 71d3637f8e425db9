import type { ListSizeResult } from '../cases/list.ts';
import type { RevokeRow } from '../cases/revoke.ts';
import { median } from '../lib/stats.ts';
import { formatChange, formatCount, formatMs, formatRatio } from './format.ts';
import type { BenchResults } from './results.ts';

export interface TargetCheck {
  target: string;
  measured: string;
  /** Undefined when this run did not measure what the target needs. */
  met: boolean | undefined;
}

/** The limits the targets set; the report shows the measured ratio whether or not it is met. */
export const TARGETS = {
  listGrowth: 1.5,
  naiveSpeedup: 100,
  trackerOverhead: 0.3,
  revokeSpeedup: 8,
} as const;

export function evaluateTargets(results: BenchResults): TargetCheck[] {
  return [
    listGrowth(results.list),
    naiveSpeedup(results.list),
    trackerOverhead(results.list),
    revokeSpeedup(results.revoke),
    loadErrors(results),
  ];
}

function atSize(list: ListSizeResult[] | undefined, size: number): ListSizeResult | undefined {
  return list?.find((result) => result.size === size);
}

function listGrowth(list: ListSizeResult[] | undefined): TargetCheck {
  const target = `Dashboard list latency (p50) grows at most ${TARGETS.listGrowth}x from 10,000 to 1,000,000 delegations`;
  const small = atSize(list, 10_000);
  const large = atSize(list, 1_000_000);
  if (!small || !large) return notMeasured(target, 'store sizes 10000 and 1000000');

  const ratio = large.tracker.p50 / small.tracker.p50;
  const p95Ratio = large.tracker.p95 / small.tracker.p95;
  return {
    target,
    measured: `${formatMs(small.tracker.p50)} → ${formatMs(large.tracker.p50)}: ${formatRatio(ratio)} (p95 ${formatRatio(p95Ratio)})`,
    met: ratio <= TARGETS.listGrowth,
  };
}

function naiveSpeedup(list: ListSizeResult[] | undefined): TargetCheck {
  const target = `At 100,000 delegations the tracker lists at least ${TARGETS.naiveSpeedup}x faster than fetch-all-and-filter`;
  const result = atSize(list, 100_000);
  if (!result) return notMeasured(target, 'store size 100000');

  const naive = median(result.naive.passesMs);
  const ratio = naive / result.tracker.p50;
  return {
    target,
    measured: `naive ${formatMs(naive)} (median of ${result.naive.passesMs.length}) ÷ tracker p50 ${formatMs(result.tracker.p50)} = ${formatRatio(ratio)}`,
    met: ratio >= TARGETS.naiveSpeedup,
  };
}

function trackerOverhead(list: ListSizeResult[] | undefined): TargetCheck {
  const target = `The tracker adds at most ${TARGETS.trackerOverhead * 100}% to the bare SCIM query (p50, every store size)`;
  if (!list || list.length === 0) return notMeasured(target, 'the list case');

  const ratios = list.map((result) => ({
    size: result.size,
    ratio: result.tracker.p50 / result.scim.p50,
  }));
  return {
    target,
    measured: ratios
      .map(({ size, ratio }) => `${formatChange(ratio)} at ${formatCount(size)}`)
      .join(', '),
    met: ratios.every(({ ratio }) => ratio - 1 <= TARGETS.trackerOverhead),
  };
}

function revokeSpeedup(revoke: RevokeRow[] | undefined): TargetCheck {
  const target = `Revoke-all of 1,000 delegations with 5 ms SCIM delay at least ${TARGETS.revokeSpeedup}x faster than one at a time`;
  const row = revoke?.find((candidate) => candidate.count === 1000 && candidate.delayMs === 5);
  if (!row) return notMeasured(target, 'the revoke case');

  const tracker = median(row.trackerMs);
  const oneByOne = median(row.oneByOneMs);
  return {
    target,
    measured: `one at a time ${formatMs(oneByOne)} ÷ tracker ${formatMs(tracker)} = ${formatRatio(oneByOne / tracker)} (medians of ${row.trackerMs.length})`,
    met: oneByOne / tracker >= TARGETS.revokeSpeedup,
  };
}

function loadErrors(results: BenchResults): TargetCheck {
  const target = 'No errors under load (non-2xx responses, socket errors and timeouts)';
  const summary = results.load?.summary;
  if (!summary) return notMeasured(target, 'the load case');

  // autocannon counts timeouts among its socket errors as well as on their own.
  const errors = summary.non2xx + summary.errors;
  return {
    target,
    measured: `${formatCount(errors)} in ${formatCount(summary.requests)} responses (${summary.non2xx} non-2xx, ${summary.errors} socket errors of which ${summary.timeouts} timeouts)`,
    met: errors === 0,
  };
}

function notMeasured(target: string, needs: string): TargetCheck {
  return { target, measured: `not measured: this run did not include ${needs}`, met: undefined };
}
