import { formatDateTime, formatRelative } from '../lib/format.ts';

interface TimeCellProps {
  iso: string | null;
  /** Adds the distance from now, such as "in 23 h". */
  relative?: boolean;
  withSeconds?: boolean;
}

/** Shows a time in the browser's local format and time zone. */
export function TimeCell({ iso, relative = false, withSeconds = false }: TimeCellProps) {
  if (iso === null) return <span className="muted">unknown</span>;

  return (
    <time dateTime={iso} title={iso} className="time">
      {formatDateTime(iso, withSeconds)}
      {relative && <span className="relative">{formatRelative(iso)}</span>}
    </time>
  );
}
