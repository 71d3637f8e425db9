/** How many entries of a tally a report lists by name; the rest are summed up. */
export const TOP_ENTRIES = 100;

export interface TallyReport {
  /** The keys with the highest counts, highest first, ties by key. */
  top: { key: string; count: number }[];
  /** Keys left out of `top`, and the count they hold together. */
  others: { keys: number; count: number };
}

/** Occurrence counts per key, one number per distinct key. */
export class Tally {
  readonly #counts = new Map<string, number>();

  add(key: string): void {
    this.#counts.set(key, (this.#counts.get(key) ?? 0) + 1);
  }

  report(limit = TOP_ENTRIES): TallyReport {
    const sorted = [...this.#counts].sort(([keyA, countA], [keyB, countB]) => {
      if (countA !== countB) return countB - countA;
      if (keyA === keyB) return 0;
      return keyA < keyB ? -1 : 1;
    });
    const rest = sorted.slice(limit);
    return {
      top: sorted.slice(0, limit).map(([key, count]) => ({ key, count })),
      others: { keys: rest.length, count: rest.reduce((sum, [, count]) => sum + count, 0) },
    };
  }
}
