import { useState } from 'react';
import { errorMessage } from '../api/http.ts';
import { revokeAll } from '../api/tracker.ts';
import type { ClientOption } from '../api/types.ts';
import { pauseAutoReload } from '../hooks/useAutoReload.ts';
import { useRevocationRun } from '../hooks/useRevocationRun.ts';
import { saveRevokeAllCounts } from '../lib/revokeAllCounts.ts';
import { Dialog } from './Dialog.tsx';
import { RevocationProgress } from './RevocationProgress.tsx';
import { RevocationReport } from './RevocationReport.tsx';

interface RevokeAllFlowProps {
  clients: ClientOption[];
  onClose: () => void;
  /** Called when everything was revoked but the tracker sent no logout URL. */
  onSessionEnded: () => void;
}

/**
 * Confirms, then revokes every delegation of the user while showing progress. When nothing failed
 * the tracker has ended the local session, so the browser moves on to the logout URL.
 */
export function RevokeAllFlow({ clients, onClose, onSessionEnded }: RevokeAllFlowProps) {
  const [confirmed, setConfirmed] = useState(false);
  const { run, start } = useRevocationRun();

  async function revoke() {
    setConfirmed(true);
    const resume = pauseAutoReload();
    const end = await start(revokeAll);
    if (!end || end.failed.length > 0) {
      resume();
      return;
    }

    // The reloads stay paused: the session is over and the browser leaves the page.
    if (end.logoutUrl) {
      saveRevokeAllCounts(end);
      window.location.assign(end.logoutUrl);
    } else {
      resume();
      onSessionEnded();
    }
  }

  const retryFooter = (
    <>
      <button type="button" onClick={onClose}>
        Close
      </button>
      <button type="button" className="danger" onClick={revoke}>
        Try again
      </button>
    </>
  );

  if (!confirmed) {
    return (
      <Dialog
        title="Revoke all sessions and log out?"
        onClose={onClose}
        footer={
          <>
            <button type="button" onClick={onClose}>
              Cancel
            </button>
            <button type="button" className="danger" onClick={revoke}>
              Revoke all and log out
            </button>
          </>
        }
      >
        <p>
          Every session of yours ends, in every application and every browser. Each application asks
          you to sign in again, and this browser is logged out of the tracker.
        </p>
      </Dialog>
    );
  }

  if (run.phase === 'finished' && run.end.failed.length > 0) {
    return (
      <Dialog title="Some sessions were not revoked" onClose={onClose} footer={retryFooter} wide>
        <RevocationReport end={run.end} clients={clients} />
        <p>You are still signed in, so you can try again.</p>
      </Dialog>
    );
  }

  if (run.phase === 'error') {
    return (
      <Dialog title="Revocation stopped" onClose={onClose} footer={retryFooter}>
        <p className="alert alert-error" role="alert">
          {errorMessage(run.error)}
        </p>
      </Dialog>
    );
  }

  if (run.phase === 'finished') {
    const count = run.end.revoked + run.end.alreadyRevoked;
    return (
      <Dialog title="Revoking your sessions">
        <RevocationProgress done={count} failed={0} total={count} />
        <p>All sessions are revoked. Logging you out…</p>
      </Dialog>
    );
  }

  const progress = run.phase === 'running' ? run : { done: 0, failed: 0, total: null };
  return (
    <Dialog title="Revoking your sessions">
      <RevocationProgress done={progress.done} failed={progress.failed} total={progress.total} />
    </Dialog>
  );
}
