import { createContext, useContext } from 'react';

export interface Toaster {
  success(message: string): void;
  error(message: string): void;
}

export const ToastContext = createContext<Toaster | null>(null);

export function useToast(): Toaster {
  const toaster = useContext(ToastContext);
  if (!toaster) throw new Error('useToast needs a ToastProvider above it in the tree.');
  return toaster;
}
