import { formatDateTime } from '../lib/format.ts';

// Claims that RFC 7519 section 4.1 and RFC 7662 section 2.2 define as NumericDate (seconds).
const TIME_CLAIMS = new Set(['exp', 'iat', 'nbf', 'auth_time']);

export function ClaimsTable({ claims }: { claims: Record<string, unknown> }) {
  const entries = Object.entries(claims);
  if (entries.length === 0) return <p className="muted">No claims.</p>;

  return (
    <div className="table-scroll">
      <table className="table table-compact">
        <thead>
          <tr>
            <th scope="col">Claim</th>
            <th scope="col">Value</th>
          </tr>
        </thead>
        <tbody>
          {entries.map(([name, value]) => (
            <tr key={name}>
              <th scope="row">
                <code>{name}</code>
              </th>
              <td className="claim-value">{formatClaim(name, value)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function formatClaim(name: string, value: unknown): string {
  if (TIME_CLAIMS.has(name) && typeof value === 'number') {
    return `${value} (${formatDateTime(new Date(value * 1000).toISOString())})`;
  }
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}
