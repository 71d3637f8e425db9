import type { Device } from '../api/types.ts';

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dateTimeWithSeconds = new Intl.DateTimeFormat(undefined, {
  dateStyle: 'medium',
  timeStyle: 'medium',
});

export function formatDateTime(iso: string, withSeconds = false): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return (withSeconds ? dateTimeWithSeconds : dateTime).format(date);
}

const UNITS: [limitSeconds: number, divisor: number, unit: string][] = [
  [60, 1, 's'],
  [3600, 60, 'min'],
  [86_400 * 2, 3600, 'h'],
  [Number.POSITIVE_INFINITY, 86_400, 'd'],
];

/** Formats the distance from `now` to `iso` as "in 23 h" or "5 min ago", rounded down. */
export function formatRelative(iso: string, now: number = Date.now()): string {
  const target = new Date(iso).getTime();
  if (Number.isNaN(target)) return '';

  const seconds = Math.round((target - now) / 1000);
  const distance = Math.abs(seconds);
  if (distance < 5) return 'now';

  const [, divisor, unit] = UNITS.find(([limit]) => distance < limit) ?? UNITS[UNITS.length - 1]!;
  const amount = `${Math.floor(distance / divisor)} ${unit}`;
  return seconds > 0 ? `in ${amount}` : `${amount} ago`;
}

export function deviceLabel(device: Device | null): string {
  if (!device) return 'Unknown device';
  return `${device.browser} on ${device.os}`;
}

/**
 * Converts the value of a datetime-local input, which is local time without an offset, to ISO 8601
 * UTC. Returns undefined for an empty or invalid value.
 */
export function localInputToIso(value: string): string | undefined {
  if (value === '') return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

export function plural(count: number, noun: string, pluralNoun = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : pluralNoun}`;
}
