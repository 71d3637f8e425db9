import { useState } from 'react';
import { adminRevokeDelegation } from '../api/admin.ts';
import type { Delegation } from '../api/types.ts';
import { RevokeConfirmDialog } from '../components/RevokeConfirmDialog.tsx';
import { useToast } from '../hooks/useToast.ts';

/** Revokes one delegation of any user after a confirmation, and reports it in a toast. */
export function AdminRevokeButton({
  delegation,
  onChanged,
}: {
  delegation: Delegation;
  onChanged: () => void;
}) {
  const toast = useToast();
  const [confirming, setConfirming] = useState(false);

  async function revoke() {
    const { result } = await adminRevokeDelegation(delegation.id);
    setConfirming(false);
    toast.success(
      result === 'revoked'
        ? `Revoked the ${delegation.clientLabel} session of ${delegation.owner}.`
        : `The ${delegation.clientLabel} session of ${delegation.owner} was already revoked.`,
    );
    onChanged();
  }

  return (
    <>
      <button
        type="button"
        className="danger-outline"
        onClick={() => setConfirming(true)}
        disabled={delegation.status === 'revoked'}
      >
        Revoke
      </button>
      {confirming && (
        <RevokeConfirmDialog
          delegation={delegation}
          onConfirm={revoke}
          onCancel={() => setConfirming(false)}
        />
      )}
    </>
  );
}
