import { ApiError, errorMessage } from '../api/http.ts';

interface ErrorStateProps {
  error: unknown;
  onRetry?: () => void;
}

/** Shows why loading failed, with a Retry button. A 403 gets the heading "Administrators only". */
export function ErrorState({ error, onRetry }: ErrorStateProps) {
  const forbidden = error instanceof ApiError && error.status === 403;

  return (
    <div className="state state-error" role="alert">
      <p className="state-title">
        {forbidden ? 'Administrators only' : 'Could not load this page'}
      </p>
      <p>{errorMessage(error)}</p>
      {onRetry && !forbidden && (
        <button type="button" onClick={onRetry}>
          Retry
        </button>
      )}
    </div>
  );
}
