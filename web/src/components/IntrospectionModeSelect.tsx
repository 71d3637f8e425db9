import type { IntrospectionMode } from '../api/types.ts';

interface IntrospectionModeSelectProps {
  value: IntrospectionMode;
  onChange: (mode: IntrospectionMode) => void;
}

export function IntrospectionModeSelect({ value, onChange }: IntrospectionModeSelectProps) {
  return (
    <label className="inline-field">
      Introspection format
      <select value={value} onChange={(event) => onChange(event.target.value as IntrospectionMode)}>
        <option value="json">JSON</option>
        <option value="jwt">JWT</option>
      </select>
    </label>
  );
}
