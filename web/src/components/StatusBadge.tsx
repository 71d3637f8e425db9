import type { DelegationStatus } from '../api/types.ts';

export function StatusBadge({ status }: { status: DelegationStatus }) {
  return <span className={`badge badge-${status === 'issued' ? 'ok' : 'muted'}`}>{status}</span>;
}
