/** Latency figures of one measured operation, in milliseconds. */
export interface LatencySummary {
  samples: number;
  p50: number;
  p95: number;
  mean: number;
  min: number;
  max: number;
}

/** Nearest-rank percentile of sorted values; `fraction` is 0.5 for the median. */
export function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) throw new RangeError('percentile of no samples');
  const rank = Math.ceil(fraction * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function summarize(values: readonly number[]): LatencySummary {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    samples: sorted.length,
    p50: percentile(sorted, 0.5),
    p95: percentile(sorted, 0.95),
    mean: sorted.reduce((sum, value) => sum + value, 0) / sorted.length,
    min: sorted[0]!,
    max: sorted[sorted.length - 1]!,
  };
}

export interface SamplingPlan {
  /** Untimed runs first, to fill caches and open connections. */
  warmup: number;
  samples: number;
  /**
   * Stop early once this many seconds of timed runs have passed, keeping what was measured,
   * so that an operation that turns out slow cannot stretch the run for minutes.
   */
  maxSeconds: number;
  /** Fewest timed runs even when maxSeconds has passed. */
  minSamples: number;
}

/**
 * Runs the operations in turn, one of each per round, as the plan says, and returns the elapsed
 * time of each timed run in ms, by name. Taking turns spreads any background load on the machine
 * evenly over the operations compared.
 */
export async function sampleInTurn<Name extends string>(
  plan: SamplingPlan,
  operations: Record<Name, () => Promise<void>>,
): Promise<Record<Name, number[]>> {
  const names = Object.keys(operations) as Name[];
  for (let round = 0; round < plan.warmup; round += 1) {
    for (const name of names) await operations[name]();
  }

  const times = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<
    Name,
    number[]
  >;
  const deadline = performance.now() + plan.maxSeconds * 1000;
  for (let round = 0; round < plan.samples; round += 1) {
    for (const name of names) {
      const started = performance.now();
      await operations[name]();
      times[name].push(performance.now() - started);
    }
    if (round + 1 >= plan.minSamples && performance.now() > deadline) break;
  }
  return times;
}

export function median(values: readonly number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    0.5,
  );
}
