import { useId, type ReactNode } from 'react';

interface FieldProps {
  label: string;
  /** Renders the control with the id that the label points at. */
  children: (id: string) => ReactNode;
}

export function Field({ label, children }: FieldProps) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children(id)}
    </div>
  );
}
