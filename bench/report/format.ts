/** Formats milliseconds with about three significant digits, in seconds from one second up. */
export function formatMs(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toFixed(ms >= 100_000 ? 0 : 2)} s`;
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}

/** Formats a whole number with thousands separators: 10,000. */
export function formatCount(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/** Formats a count for a chart axis: 10k, 1M. */
export function formatShortCount(value: number): string {
  if (value >= 1_000_000) return `${trimZero(value / 1_000_000)}M`;
  if (value >= 1000) return `${trimZero(value / 1000)}k`;
  return String(value);
}

export function formatMegabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
}

/** Formats a ratio as 1.23x, or 1,234x from 100 up. */
export function formatRatio(ratio: number): string {
  if (ratio >= 100) return `${formatCount(ratio)}x`;
  return `${ratio.toFixed(2)}x`;
}

/** Formats a ratio as a change in percent: +12% or −4%. */
export function formatChange(ratio: number): string {
  const percent = (ratio - 1) * 100;
  return `${percent >= 0 ? '+' : '−'}${Math.abs(percent).toFixed(0)}%`;
}

function trimZero(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

/** Formats a power of ten of milliseconds as an axis label: 0.1 ms, 10 ms, 1 s, 100 s. */
export function formatDecadeMs(ms: number): string {
  if (ms >= 1000) return `${Number((ms / 1000).toPrecision(3))} s`;
  return `${Number(ms.toPrecision(3))} ms`;
}
