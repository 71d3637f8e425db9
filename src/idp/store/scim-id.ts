/**
 * SCIM resource ids of delegations. Curity's SCIM ids are base64url of a typed key (a user's id
 * decodes to `USER:<account id>`); a delegation's here decodes to `DEL:<row number>`. The id is
 * stable for the row and differs from the delegation id, so clients must treat it as opaque.
 */

const PREFIX = 'DEL:';
const ROW_NUMBER = /^[1-9][0-9]{0,15}$/;

export function encodeScimId(rowId: number): string {
  return Buffer.from(`${PREFIX}${rowId}`, 'utf8').toString('base64url');
}

/** Returns the row number of a SCIM id, or undefined when the id was not made by encodeScimId. */
export function decodeScimId(scimId: string): number | undefined {
  if (!/^[A-Za-z0-9_-]{1,40}$/.test(scimId)) return undefined;

  const decoded = Buffer.from(scimId, 'base64url').toString('utf8');
  if (!decoded.startsWith(PREFIX)) return undefined;

  const digits = decoded.slice(PREFIX.length);
  if (!ROW_NUMBER.test(digits)) return undefined;

  const rowId = Number(digits);
  if (!Number.isSafeInteger(rowId)) return undefined;
  // Base64url decoding ignores some trailing bits, so several strings decode alike; only the
  // canonical spelling names the row.
  return encodeScimId(rowId) === scimId ? rowId : undefined;
}
