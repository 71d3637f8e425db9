import type { Delegation } from '../api/types.ts';
import { deviceLabel } from '../lib/format.ts';
import { ConfirmDialog } from './ConfirmDialog.tsx';

interface RevokeConfirmDialogProps {
  delegation: Delegation;
  onConfirm: () => Promise<void>;
  onCancel: () => void;
}

export function RevokeConfirmDialog({ delegation, onConfirm, onCancel }: RevokeConfirmDialogProps) {
  return (
    <ConfirmDialog
      title="Revoke this session?"
      confirmLabel="Revoke"
      onConfirm={onConfirm}
      onCancel={onCancel}
    >
      <p>
        Every token of this delegation stops working at once, so{' '}
        <strong>{delegation.clientLabel}</strong> will ask {delegation.owner} to sign in again.
      </p>
      <dl className="facts">
        <dt>User</dt>
        <dd>{delegation.owner}</dd>
        <dt>Delegation ID</dt>
        <dd>
          <code>{delegation.delegationId}</code>
        </dd>
        <dt>Device</dt>
        <dd>
          {deviceLabel(delegation.device)}
          {delegation.thisBrowser && ' (this browser)'}
        </dd>
      </dl>
    </ConfirmDialog>
  );
}
