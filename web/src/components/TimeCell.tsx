import { formatDateTime, formatRelative } from '../lib/format.ts';

/** Shows a time in local format, with the distance from now ("in 23 h") when `relative` is on. */
export function TimeCell({ iso, relative = false }: { iso: string | null; relative?: boolean }) {
  if (iso === null) return <span className="muted">unknown</span>;

  return (
    <time dateTime={iso} title={iso} className="time">
      {formatDateTime(iso)}
      {relative && <span className="relative">{formatRelative(iso)}</span>}
    </time>
  );
}
