import { errorMessage } from '../api/http.ts';

/** Shown above data that is still on screen when reading it again failed. */
export function ReloadErrorAlert({ error, onRetry }: { error: unknown; onRetry: () => void }) {
  return (
    <div className="alert alert-error" role="alert">
      <span>Could not update the list: {errorMessage(error)}</span>
      <button type="button" onClick={onRetry}>
        Retry
      </button>
    </div>
  );
}
