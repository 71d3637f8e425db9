import type { Delegation } from '../types.ts';
import { attribute, isJsonObject, type JsonObject } from './response.ts';

export type NormalizeResult = { delegation: Delegation } | { skipped: string };

/**
 * Converts a SCIM Delegation resource of either shape to a Delegation. The 2019 shape names the
 * owner `sub` and the expiry `exp`; later servers use `owner` and `expires`. Times may be epoch
 * seconds or ISO 8601 strings. Attributes not listed here are ignored. A resource without an `id`
 * cannot be read or revoked, so it is skipped with the reason.
 */
export function normalizeDelegation(resource: unknown): NormalizeResult {
  if (!isJsonObject(resource)) return { skipped: 'the resource is not a JSON object' };

  const id = attribute(resource, 'id');
  if (typeof id !== 'string' || id === '') return { skipped: 'the resource has no "id"' };

  const externalId = stringOrUndefined(attribute(resource, 'externalId'));
  return {
    delegation: {
      id,
      delegationId: externalId ?? id,
      owner:
        stringOrUndefined(attribute(resource, 'owner')) ??
        stringOrUndefined(attribute(resource, 'sub')) ??
        '',
      clientId:
        stringOrUndefined(attribute(resource, 'clientId')) ??
        stringOrUndefined(attribute(resource, 'client_id')) ??
        '',
      status: statusOf(attribute(resource, 'status')),
      scope: scopeOf(attribute(resource, 'scope')),
      redirectUri:
        stringOrUndefined(attribute(resource, 'redirectUri')) ??
        stringOrUndefined(attribute(resource, 'redirect_uri')),
      created: dateOf(attribute(resource, 'created')) ?? dateOf(metaCreated(resource)),
      expires: dateOf(attribute(resource, 'expires')) ?? dateOf(attribute(resource, 'exp')),
      userAgentId: userAgentIdOf(attribute(resource, 'customData')),
    },
  };
}

/** True for a resource in the 2019 shape: a `sub` and no `owner`. */
export function isLegacyShaped(resource: unknown): boolean {
  return (
    isJsonObject(resource) &&
    attribute(resource, 'sub') !== undefined &&
    attribute(resource, 'owner') === undefined
  );
}

/**
 * Returns the status; a resource without one counts as issued, because servers that omit the
 * attribute list only issued delegations.
 */
function statusOf(value: unknown): Delegation['status'] {
  return typeof value === 'string' && value.toLowerCase() === 'revoked' ? 'revoked' : 'issued';
}

function scopeOf(value: unknown): string[] {
  if (typeof value === 'string') return value.split(/\s+/).filter((scope) => scope !== '');
  if (Array.isArray(value))
    return value.filter((scope): scope is string => typeof scope === 'string' && scope !== '');
  return [];
}

/** Reads epoch seconds (a number or a string of digits) or an ISO 8601 date-time. */
export function dateOf(value: unknown): Date | undefined {
  let date: Date | undefined;
  if (typeof value === 'number' && Number.isFinite(value)) {
    date = new Date(value * 1000);
  } else if (typeof value === 'string' && /^\d+(\.\d+)?$/.test(value.trim())) {
    date = new Date(Number(value) * 1000);
  } else if (typeof value === 'string' && value.trim() !== '') {
    date = new Date(value);
  }
  return date && !Number.isNaN(date.getTime()) ? date : undefined;
}

function metaCreated(resource: JsonObject): unknown {
  const meta = attribute(resource, 'meta');
  return isJsonObject(meta) ? attribute(meta, 'created') : undefined;
}

function userAgentIdOf(customData: unknown): string | undefined {
  if (!isJsonObject(customData)) return undefined;
  return stringOrUndefined(customData.user_agent_id);
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
