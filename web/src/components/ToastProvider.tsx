import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { ToastContext, type Toaster } from '../hooks/useToast.ts';

type ToastKind = 'success' | 'info' | 'error';

interface Toast {
  id: number;
  kind: ToastKind;
  message: string;
  /** Number of times this message arrived while the toast was on screen. */
  count: number;
}

// Errors have no lifetime: they stay until dismissed. A repeat restarts the lifetime.
const LIFETIME_MS: Partial<Record<ToastKind, number>> = { success: 6000, info: 8000 };
const MAX_TOASTS = 3;

/**
 * Shows short reports of finished actions in a polite live region at the bottom left, away from
 * the Actions column at the right of every table. A message equal to one on screen raises that
 * toast's count instead of adding another, and at most MAX_TOASTS are shown, the newest last.
 */
export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  // The same list as `toasts`, readable at once: two toasts in one event must see each other.
  const shownRef = useRef<Toast[]>([]);
  const nextId = useRef(1);
  const timers = useRef(new Map<number, number>());

  const replace = useCallback((next: Toast[]) => {
    for (const [id, timer] of timers.current) {
      if (next.some((toast) => toast.id === id)) continue;
      window.clearTimeout(timer);
      timers.current.delete(id);
    }
    shownRef.current = next;
    setToasts(next);
  }, []);

  const dismiss = useCallback(
    (id: number) => replace(shownRef.current.filter((toast) => toast.id !== id)),
    [replace],
  );

  const show = useCallback(
    (kind: ToastKind, message: string) => {
      const same = shownRef.current.find(
        (toast) => toast.kind === kind && toast.message === message,
      );
      const toast = same
        ? { ...same, count: same.count + 1 }
        : { id: nextId.current++, kind, message, count: 1 };
      const others = shownRef.current.filter((shown) => shown.id !== toast.id);
      replace([...others, toast].slice(-MAX_TOASTS));

      const lifetime = LIFETIME_MS[kind];
      if (lifetime === undefined) return;
      window.clearTimeout(timers.current.get(toast.id));
      timers.current.set(
        toast.id,
        window.setTimeout(() => dismiss(toast.id), lifetime),
      );
    },
    [dismiss, replace],
  );

  useEffect(() => {
    const pending = timers.current;
    return () => {
      for (const timer of pending.values()) window.clearTimeout(timer);
    };
  }, []);

  const toaster = useMemo<Toaster>(
    () => ({
      success: (message) => show('success', message),
      error: (message) => show('error', message),
      info: (message) => show('info', message),
    }),
    [show],
  );

  return (
    <ToastContext.Provider value={toaster}>
      {children}
      <div className="toasts" role="region" aria-label="Notifications" aria-live="polite">
        {toasts.map((toast) => (
          <div key={toast.id} className={`toast toast-${toast.kind}`}>
            <span className="toast-message">{toast.message}</span>
            {toast.count > 1 && (
              <span className="toast-count" aria-label={`${toast.count} times`}>
                ×{toast.count}
              </span>
            )}
            <button
              type="button"
              className="toast-close"
              aria-label="Dismiss notification"
              onClick={() => dismiss(toast.id)}
            >
              ×
            </button>
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}
