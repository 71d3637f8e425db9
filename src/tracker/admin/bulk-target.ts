import { AppError } from '../../shared/errors.ts';
import { checkScimId, checkText } from './params.ts';

/** Most SCIM ids one `{ ids }` target may name; larger sets are revoked by user or client. */
export const MAX_TARGET_IDS = 1000;

/**
 * The delegations a bulk revocation acts on: the issued ones of a user, of a client, of a user at
 * one client, or a list of SCIM ids.
 */
export type BulkTarget =
  { kind: 'filter'; owner?: string; clientId?: string } | { kind: 'ids'; ids: string[] };

/** Parses the `target` of `POST /api/admin/bulk-revoke`; throws 400 `invalid_request` naming the field. */
export function parseBulkTarget(value: unknown): BulkTarget {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidTarget(
      'target must be an object: { user }, { client }, { user, client } or { ids }',
    );
  }
  const fields = value as Record<string, unknown>;
  const names = Object.keys(fields);
  const unknown = names.filter((name) => !['user', 'client', 'ids'].includes(name));
  if (unknown.length > 0) {
    throw invalidTarget(`unknown field "target.${unknown[0]}"; use user, client or ids`);
  }

  if ('ids' in fields) {
    if (names.length > 1)
      throw invalidTarget('"target.ids" cannot be combined with user or client');
    return { kind: 'ids', ids: parseIds(fields.ids) };
  }
  if (fields.user === undefined && fields.client === undefined) {
    throw invalidTarget('target needs "user", "client" (or both) or "ids"');
  }

  const target: BulkTarget = { kind: 'filter' };
  if (fields.user !== undefined) target.owner = checkText('target.user', fields.user);
  if (fields.client !== undefined) target.clientId = checkText('target.client', fields.client);
  return target;
}

function parseIds(value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_TARGET_IDS) {
    throw invalidTarget(`"target.ids" must be a list of 1 to ${MAX_TARGET_IDS} SCIM ids`);
  }
  const ids = value.map((id, index) => checkScimId(`target.ids[${index}]`, id));
  return [...new Set(ids)];
}

function invalidTarget(message: string): AppError {
  return new AppError('invalid_request', 400, `Invalid bulk revocation target: ${message}.`);
}

/** Names a target's delegations in words, as in `Revoke 12 delegations ${describeTarget(target)}?`. */
export function describeTarget(target: BulkTarget): string {
  if (target.kind === 'ids') return 'given by id';
  if (target.owner !== undefined && target.clientId !== undefined) {
    return `of user "${target.owner}" at client "${target.clientId}"`;
  }
  return target.owner !== undefined
    ? `of user "${target.owner}"`
    : `of client "${target.clientId}"`;
}
