import type { IntrospectionMode } from '../api/types.ts';

/**
 * Names of the introspection response formats. `jwt` is Curity's phantom-token mode: the tracker
 * sends `Accept: application/jwt` and gets a signed JWT with the token's claims at the top level.
 * RFC 9701 is a different format (`application/token-introspection+jwt`), so it is not named here.
 */
export const INTROSPECTION_MODE_LABELS: Record<IntrospectionMode, string> = {
  json: 'JSON (RFC 7662)',
  jwt: 'JWT (phantom token)',
};

interface IntrospectionModeSelectProps {
  value: IntrospectionMode;
  onChange: (mode: IntrospectionMode) => void;
}

export function IntrospectionModeSelect({ value, onChange }: IntrospectionModeSelectProps) {
  return (
    <label className="inline-field">
      Introspection format
      <select value={value} onChange={(event) => onChange(event.target.value as IntrospectionMode)}>
        <option value="json">{INTROSPECTION_MODE_LABELS.json}</option>
        <option value="jwt">{INTROSPECTION_MODE_LABELS.jwt}</option>
      </select>
    </label>
  );
}
