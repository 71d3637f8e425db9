import type { DelegationRecord } from '../store/delegations.ts';
import { DELEGATION_SCHEMA, stripSchema } from './attributes.ts';

export type ScimShape = 'modern' | 'legacy';

/**
 * Attributes a response may leave out on request, by lower-cased name. `id` and `schemas` are
 * always returned (RFC 7643 §7, "returned": "always").
 */
const ALWAYS_RETURNED = new Set(['id', 'schemas']);

/** The attributes of each resource that a list or read returns (RFC 7644 §3.4.2.5). */
export interface Projection {
  /** Lower-cased names from `attributes`; undefined returns the default set. */
  include: ReadonlySet<string> | undefined;
  /** Lower-cased names from `excludedAttributes`. */
  exclude: ReadonlySet<string>;
}

export const FULL_PROJECTION: Projection = { include: undefined, exclude: new Set() };

/**
 * Renders a delegation as a SCIM resource. The modern shape names the owner and the expiry
 * `owner` and `expires`; the 2019 shape names them `sub` and `exp`. Times are epoch seconds,
 * as Curity returns them, except `meta`'s dates, which are SCIM dateTime strings.
 */
export function toScimResource(
  record: DelegationRecord,
  shape: ScimShape,
  location: string,
): Record<string, unknown> {
  const ownerName = shape === 'legacy' ? 'sub' : 'owner';
  const expiresName = shape === 'legacy' ? 'exp' : 'expires';

  return {
    schemas: [DELEGATION_SCHEMA],
    id: record.scimId,
    externalId: record.id,
    [ownerName]: record.owner,
    clientId: record.clientId,
    status: record.status,
    scope: record.scope,
    ...(record.redirectUri !== undefined ? { redirectUri: record.redirectUri } : {}),
    created: record.created,
    [expiresName]: record.expires,
    customData: record.customData,
    meta: {
      resourceType: 'Delegation',
      created: new Date(record.created * 1000).toISOString(),
      lastModified: new Date(record.lastModified * 1000).toISOString(),
      location,
    },
  };
}

/** Parses `attributes` and `excludedAttributes` values: comma-separated, case insensitive. */
export function parseProjection(
  attributes: string | undefined,
  excludedAttributes: string | undefined,
): Projection {
  const include = attributeSet(attributes, 'include');
  return {
    include: include.size > 0 ? include : undefined,
    exclude: attributeSet(excludedAttributes, 'exclude'),
  };
}

/** Keeps the attributes `projection` selects; names it does not know select nothing. */
export function project(
  resource: Record<string, unknown>,
  projection: Projection,
): Record<string, unknown> {
  if (projection.include === undefined && projection.exclude.size === 0) return resource;

  const result: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(resource)) {
    const key = name.toLowerCase();
    const selected =
      ALWAYS_RETURNED.has(key) ||
      ((projection.include?.has(key) ?? true) && !projection.exclude.has(key));
    if (selected) result[name] = value;
  }
  return result;
}

/**
 * Sub-attribute paths such as `meta.location` are handled coarsely, so a response contains more,
 * never less, than RFC 7644 §3.10 requires. In `attributes` a path selects its whole top-level
 * attribute, and in `excludedAttributes` it is ignored.
 */
function attributeSet(value: string | undefined, use: 'include' | 'exclude'): Set<string> {
  const names = new Set<string>();
  for (const part of (value ?? '').split(',')) {
    const path = stripSchema(part.trim()).toLowerCase();
    if (use === 'exclude' && path.includes('.')) continue;
    const name = path.split('.')[0]!;
    if (name) names.add(name);
  }
  return names;
}
