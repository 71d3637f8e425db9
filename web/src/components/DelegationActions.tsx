import { useState } from 'react';
import { errorMessage } from '../api/http.ts';
import { introspectDelegation, refreshDelegation, revokeDelegation } from '../api/tracker.ts';
import type {
  ActionName,
  Delegation,
  IntrospectionMode,
  IntrospectionResult,
  RefreshResult,
} from '../api/types.ts';
import { useToast } from '../hooks/useToast.ts';
import { formatDateTime } from '../lib/format.ts';
import { GuardedButton } from './GuardedButton.tsx';
import { IntrospectionDialog } from './IntrospectionDialog.tsx';
import { RevokeConfirmDialog } from './RevokeConfirmDialog.tsx';

interface DelegationActionsProps {
  delegation: Delegation;
  introspectionMode: IntrospectionMode;
  /** Called with the SCIM id before the revocation, so the row's removal is not reported as made elsewhere. */
  onRevoking: (id: string) => void;
  onChanged: () => void;
}

export function DelegationActions({
  delegation,
  introspectionMode,
  onRevoking,
  onChanged,
}: DelegationActionsProps) {
  const toast = useToast();
  const [busy, setBusy] = useState<ActionName | null>(null);
  const [introspection, setIntrospection] = useState<IntrospectionResult | null>(null);
  const [confirmingRevoke, setConfirmingRevoke] = useState(false);
  const label = delegation.clientLabel;

  async function refresh() {
    setBusy('refresh');
    try {
      const result = await refreshDelegation(delegation.id);
      toast.success(refreshReport(label, result));
      onChanged();
    } catch (error) {
      toast.error(`Refresh of ${label} failed: ${errorMessage(error)}`);
      onChanged();
    } finally {
      setBusy(null);
    }
  }

  async function introspect() {
    setBusy('introspect');
    try {
      const result = await introspectDelegation(delegation.id, introspectionMode);
      setIntrospection(result);
      toast.success(
        `Introspected the access token of ${label}: ${result.active ? 'active' : 'inactive'}.`,
      );
    } catch (error) {
      toast.error(`Introspection of ${label} failed: ${errorMessage(error)}`);
    } finally {
      setBusy(null);
    }
  }

  async function revoke() {
    onRevoking(delegation.id);
    const { result } = await revokeDelegation(delegation.id);
    setConfirmingRevoke(false);
    toast.success(
      result === 'revoked'
        ? `Revoked the session of ${label}.`
        : `The session of ${label} was already revoked.`,
    );
    onChanged();
  }

  return (
    <div className="actions">
      <GuardedButton
        onClick={refresh}
        busy={busy === 'refresh'}
        disabledReason={blockedReason(delegation, 'refresh')}
      >
        Refresh
      </GuardedButton>
      <GuardedButton
        onClick={introspect}
        busy={busy === 'introspect'}
        disabledReason={blockedReason(delegation, 'introspect')}
      >
        Introspect
      </GuardedButton>
      <button type="button" className="danger-outline" onClick={() => setConfirmingRevoke(true)}>
        Revoke
      </button>

      {introspection && (
        <IntrospectionDialog
          result={introspection}
          clientLabel={label}
          onClose={() => setIntrospection(null)}
        />
      )}
      {confirmingRevoke && (
        <RevokeConfirmDialog
          delegation={delegation}
          onConfirm={revoke}
          onCancel={() => setConfirmingRevoke(false)}
        />
      )}
    </div>
  );
}

function blockedReason(delegation: Delegation, action: ActionName): string | undefined {
  const permission = delegation.actions?.[action];
  if (!permission) return 'The tracker did not say whether this is allowed for this session.';
  if (permission.allowed) return undefined;
  return permission.reason ?? 'Not allowed for this session.';
}

function refreshReport(label: string, result: RefreshResult): string {
  const expiry = result.accessTokenExpiresAt
    ? `; the new access token expires ${formatDateTime(result.accessTokenExpiresAt)}`
    : '';
  const rotation = result.refreshTokenRotated ? ' The refresh token was rotated.' : '';
  return `Refreshed the tokens of ${label}${expiry}.${rotation}`;
}
