import type { AppError } from '../../shared/errors.ts';
import { bodyExcerpt, invalidResponseError, type Endpoint } from '../errors.ts';
import type { HttpResponse } from '../http/client.ts';

export type JsonObject = Record<string, unknown>;

/** One page of a SCIM ListResponse (RFC 7644 §3.4.2), read leniently. */
export interface ScimListPage {
  resources: unknown[];
  /** True when the response had no `Resources` attribute at all (or null). */
  resourcesMissing: boolean;
  /** As the server reported it; some servers report wrong totals, so callers treat it as a hint. */
  totalResults: number | undefined;
  startIndex: number | undefined;
}

/**
 * Parses a response body that must be a JSON object. An HTML error page, an empty body or any
 * other non-JSON body is an `as_invalid_response` error whose message names the status and the
 * content type, and whose detail contains the start of the body.
 */
export function parseJsonObject(response: HttpResponse, endpoint: Endpoint): JsonObject {
  const contentType = response.headers.get('content-type') ?? 'none';
  const received = `HTTP ${response.status} with content type ${contentType}`;

  if (response.body.trim() === '') {
    throw invalidResponseError(endpoint, `${received} and an empty body where JSON was expected`);
  }

  let parsed: unknown;
  try {
    parsed = JSON.parse(response.body);
  } catch {
    throw invalidResponseError(
      endpoint,
      `${received} whose body is not JSON`,
      bodyExcerpt(response.body),
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalidResponseError(
      endpoint,
      `${received} whose body is not a JSON object`,
      bodyExcerpt(response.body),
    );
  }
  return parsed as JsonObject;
}

/**
 * Reads a ListResponse. A missing `Resources` is an empty page, as RFC 7644 allows when
 * totalResults is 0, and callers check the other cases with `checkResourcesPresent`. A
 * `Resources` that is not an array is an error.
 */
export function readListPage(body: JsonObject, endpoint: Endpoint): ScimListPage {
  const resources = attribute(body, 'Resources');
  if (resources !== undefined && resources !== null && !Array.isArray(resources)) {
    throw listError(endpoint, `"Resources" is a ${typeof resources}, not an array`);
  }

  return {
    resources: (resources as unknown[] | undefined | null) ?? [],
    resourcesMissing: resources === undefined || resources === null,
    totalResults: integerOrUndefined(attribute(body, 'totalResults')),
    startIndex: integerOrUndefined(attribute(body, 'startIndex')),
  };
}

/**
 * Rejects a page without `Resources` although its totalResults reaches `startIndex`, because
 * RFC 7644 §3.4.2 requires the attribute whenever totalResults is not 0. Read as an empty page,
 * it would make a listing look complete and let revoke-all report success with delegations left.
 */
export function checkResourcesPresent(
  page: ScimListPage,
  startIndex: number,
  endpoint: Endpoint,
): void {
  const total = page.totalResults ?? 0;
  if (!page.resourcesMissing || total < startIndex) return;
  throw invalidResponseError(
    endpoint,
    `a SCIM list response without "Resources" although totalResults is ${total}`,
  );
}

/** Reads an attribute by name, ignoring case, because SCIM attribute names are case-insensitive (RFC 7643 §2.1). */
export function attribute(resource: JsonObject, name: string): unknown {
  if (name in resource) return resource[name];

  const lowerName = name.toLowerCase();
  for (const [key, value] of Object.entries(resource)) {
    if (key.toLowerCase() === lowerName) return value;
  }
  return undefined;
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function integerOrUndefined(value: unknown): number | undefined {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof number === 'number' && Number.isInteger(number) && number >= 0 ? number : undefined;
}

function listError(endpoint: Endpoint, problem: string): AppError {
  return invalidResponseError(endpoint, `a SCIM list response where ${problem}`);
}
