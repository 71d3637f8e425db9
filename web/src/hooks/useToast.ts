import { createContext, useContext } from 'react';

export interface Toaster {
  success(message: string): void;
  /** Stays until the user dismisses it, because it usually needs reading or acting on. */
  error(message: string): void;
  info(message: string): void;
}

export const ToastContext = createContext<Toaster | null>(null);

export function useToast(): Toaster {
  const toaster = useContext(ToastContext);
  if (!toaster) throw new Error('useToast needs a ToastProvider above it in the tree.');
  return toaster;
}
