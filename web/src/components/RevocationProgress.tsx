interface RevocationProgressProps {
  done: number;
  failed: number;
  total: number | null;
}

export function RevocationProgress({ done, failed, total }: RevocationProgressProps) {
  return (
    <div className="progress-block">
      {total === null ? (
        <progress aria-label="Revocation progress" />
      ) : (
        <progress aria-label="Revocation progress" value={done} max={Math.max(total, 1)} />
      )}
      <p className="progress-text" aria-live="polite">
        {total === null ? 'Starting…' : `${done} of ${total} done`}
        {failed > 0 && `, ${failed} failed`}
      </p>
    </div>
  );
}
