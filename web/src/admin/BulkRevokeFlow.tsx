import { useEffect, useState } from 'react';
import { dryRunBulkRevoke, runBulkRevoke } from '../api/admin.ts';
import { errorMessage } from '../api/http.ts';
import type { BulkDryRun, BulkTarget, ClientOption } from '../api/types.ts';
import { Dialog } from '../components/Dialog.tsx';
import { LoadingState } from '../components/LoadingState.tsx';
import { RevocationProgress } from '../components/RevocationProgress.tsx';
import { RevocationReport } from '../components/RevocationReport.tsx';
import { useRevocationRun } from '../hooks/useRevocationRun.ts';
import { plural } from '../lib/format.ts';
import { DryRunSummary } from './DryRunSummary.tsx';

/** A bulk revocation's target and its description in the dialog ("all delegations of janedoe"). */
export interface BulkRequest {
  target: BulkTarget;
  description: string;
}

interface BulkRevokeFlowProps {
  request: BulkRequest;
  clients: ClientOption[];
  /** The signed-in administrator, warned when the target includes their own delegations. */
  adminUsername: string;
  onClose: () => void;
  /** Called after each run, so the page re-reads its list. */
  onFinished: () => void;
}

/**
 * Runs a bulk revocation in three steps: a dry run that shows what would be revoked, the run with
 * its progress, and a report whose "Retry failed" runs again on the failed ids only.
 */
export function BulkRevokeFlow({
  request,
  clients,
  adminUsername,
  onClose,
  onFinished,
}: BulkRevokeFlowProps) {
  const [dryRun, setDryRun] = useState<{ result?: BulkDryRun; error?: unknown }>({});
  const { run, start } = useRevocationRun();

  useEffect(() => {
    let current = true;
    dryRunBulkRevoke(request.target).then(
      (result) => current && setDryRun({ result }),
      (error: unknown) => current && setDryRun({ error }),
    );
    return () => {
      current = false;
    };
  }, [request.target]);

  async function execute(target: BulkTarget) {
    await start((onEvent) => runBulkRevoke(target, onEvent));
    onFinished();
  }

  const title = `Revoke ${request.description}`;
  const closeButton = (
    <button type="button" onClick={onClose}>
      Close
    </button>
  );

  if (run.phase === 'running') {
    return (
      <Dialog title={title}>
        <RevocationProgress done={run.done} failed={run.failed} total={run.total} />
      </Dialog>
    );
  }

  if (run.phase === 'finished') {
    const failedIds = run.end.failed.map((failure) => failure.id);
    return (
      <Dialog
        title={title}
        onClose={onClose}
        wide
        footer={
          <>
            {closeButton}
            {failedIds.length > 0 && (
              <button type="button" className="danger" onClick={() => execute({ ids: failedIds })}>
                Retry failed
              </button>
            )}
          </>
        }
      >
        <RevocationReport end={run.end} clients={clients} />
        {run.end.operationId && (
          <p className="muted">
            Operation ID <code>{run.end.operationId}</code>: the audit log groups its entries under
            it.
          </p>
        )}
      </Dialog>
    );
  }

  if (run.phase === 'error') {
    return (
      <Dialog
        title={title}
        onClose={onClose}
        footer={
          <>
            {closeButton}
            <button type="button" className="danger" onClick={() => execute(request.target)}>
              Try again
            </button>
          </>
        }
      >
        <p className="alert alert-error" role="alert">
          {errorMessage(run.error)}
        </p>
      </Dialog>
    );
  }

  if (dryRun.error !== undefined) {
    return (
      <Dialog title={title} onClose={onClose} footer={closeButton}>
        <p className="alert alert-error" role="alert">
          {errorMessage(dryRun.error)}
        </p>
      </Dialog>
    );
  }

  if (!dryRun.result) {
    return (
      <Dialog title={title} onClose={onClose} footer={closeButton}>
        <LoadingState label="Counting the delegations (dry run)…" />
      </Dialog>
    );
  }

  const { total } = dryRun.result;
  return (
    <Dialog
      title={title}
      onClose={onClose}
      wide
      footer={
        <>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          {total > 0 && (
            <button type="button" className="danger" onClick={() => execute(request.target)}>
              Revoke {plural(total, 'delegation')}
            </button>
          )}
        </>
      }
    >
      <DryRunSummary dryRun={dryRun.result} clients={clients} adminUsername={adminUsername} />
    </Dialog>
  );
}
