import { useId, type ReactNode } from 'react';

interface GuardedButtonProps {
  children: ReactNode;
  onClick: () => void;
  /** When set, the button is disabled and this sentence is shown as the reason. */
  disabledReason?: string | undefined;
  busy?: boolean;
  className?: string;
}

/**
 * Renders a button that, when not allowed, stays focusable (aria-disabled in place of disabled) so the
 * reason can be shown on hover and focus and read out through aria-describedby.
 */
export function GuardedButton({
  children,
  onClick,
  disabledReason,
  busy = false,
  className,
}: GuardedButtonProps) {
  const reasonId = useId();
  const blocked = disabledReason !== undefined;

  return (
    <span className={blocked ? 'guarded guarded-blocked' : 'guarded'}>
      <button
        type="button"
        className={className}
        aria-disabled={blocked || undefined}
        aria-describedby={blocked ? reasonId : undefined}
        aria-busy={busy || undefined}
        title={disabledReason}
        disabled={busy}
        onClick={blocked ? undefined : onClick}
      >
        {children}
      </button>
      {blocked && (
        <span id={reasonId} role="tooltip" className="reason">
          {disabledReason}
        </span>
      )}
    </span>
  );
}
