import type { IntrospectionResult } from '../api/types.ts';
import { ClaimsTable } from './ClaimsTable.tsx';
import { Dialog } from './Dialog.tsx';
import { INTROSPECTION_MODE_LABELS } from './IntrospectionModeSelect.tsx';
import { JwtBlock } from './JwtBlock.tsx';

interface IntrospectionDialogProps {
  result: IntrospectionResult;
  clientLabel: string;
  onClose: () => void;
}

export function IntrospectionDialog({ result, clientLabel, onClose }: IntrospectionDialogProps) {
  return (
    <Dialog
      title={`Introspection of ${clientLabel}`}
      onClose={onClose}
      wide
      footer={
        <button type="button" onClick={onClose}>
          Close
        </button>
      }
    >
      <dl className="facts">
        <dt>Token</dt>
        <dd>
          {result.active ? (
            <span className="badge badge-ok">active</span>
          ) : (
            <span className="badge badge-muted">inactive</span>
          )}
        </dd>
        <dt>Response format</dt>
        <dd>{INTROSPECTION_MODE_LABELS[result.mode]}</dd>
        {result.active && result.maxAgeSeconds !== undefined && (
          <>
            <dt>Cacheable for</dt>
            <dd>{result.maxAgeSeconds} s</dd>
          </>
        )}
      </dl>

      {result.active ? (
        <>
          <h3>Claims</h3>
          <ClaimsTable claims={result.claims} />
          {result.mode === 'jwt' && <JwtBlock verified={result.verified === true} />}
        </>
      ) : (
        <p>
          The authorization server reports this access token as inactive: it was revoked or has
          expired.
        </p>
      )}
    </Dialog>
  );
}
