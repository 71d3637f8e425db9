import type { Delegation, IntrospectionMode } from '../api/types.ts';
import { DelegationActions } from './DelegationActions.tsx';
import { DelegationCells } from './DelegationCells.tsx';

interface DelegationRowProps {
  delegation: Delegation;
  introspectionMode: IntrospectionMode;
  onRevoking: (id: string) => void;
  onChanged: () => void;
}

export function DelegationRow({
  delegation,
  introspectionMode,
  onRevoking,
  onChanged,
}: DelegationRowProps) {
  return (
    <tr className={delegation.thisBrowser ? 'row-highlight' : undefined}>
      <DelegationCells delegation={delegation} />
      <td>
        <DelegationActions
          delegation={delegation}
          introspectionMode={introspectionMode}
          onRevoking={onRevoking}
          onChanged={onChanged}
        />
      </td>
    </tr>
  );
}
