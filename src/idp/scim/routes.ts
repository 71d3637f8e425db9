import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type Provider from 'oidc-provider';
import type { Logger } from '../../shared/logger.ts';
import { splitUrl } from '../http.ts';
import type { DelegationRecord, DelegationStore } from '../store/delegations.ts';
import { authenticateScimRequest } from './auth.ts';
import { ScimError } from './errors.ts';
import { parseListQuery } from './list-query.ts';
import {
  FULL_PROJECTION,
  parseProjection,
  project,
  toScimResource,
  type Projection,
  type ScimShape,
} from './resource.ts';

export const LIST_RESPONSE_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const SCIM_CONTENT_TYPE = 'application/scim+json; charset=utf-8';

export interface ScimDependencies {
  provider: Provider;
  delegations: DelegationStore;
  /** `${publicUrl}${scimPath}`: the base of each resource's `meta.location`. */
  baseUrl: string;
  shape: ScimShape;
  requiredScopes: readonly string[];
  delayMs: number;
  logger: Logger;
}

/**
 * Serves the SCIM 2.0 Delegations endpoint under the SCIM base path: `GET /Delegations`,
 * `GET /Delegations/{id}` and `DELETE /Delegations/{id}`. `path` is the request path after the
 * base path, still percent-encoded.
 */
export async function handleScim(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  deps: ScimDependencies,
): Promise<void> {
  if (deps.delayMs > 0) await sleep(deps.delayMs);

  try {
    const client = await authenticateScimRequest(req, deps.provider, deps.requiredScopes);
    await route(req, res, path, deps, client);
  } catch (error) {
    if (!(error instanceof ScimError)) throw error;
    // Authentication failures are worth seeing at the default level, but bad queries are not.
    const level = error.status === 401 || error.status === 403 ? 'info' : 'debug';
    deps.logger[level](
      { method: req.method, status: error.status, scimType: error.scimType },
      `SCIM request rejected: ${error.message}`,
    );
    sendScim(res, error.status, error.toBody(), error.headers);
  }
}

async function route(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  deps: ScimDependencies,
  client: string,
): Promise<void> {
  if (path === '/Delegations' || path === '/Delegations/') {
    if (req.method !== 'GET') throw methodNotAllowed(req, 'GET');
    listDelegations(req, res, deps);
    return;
  }

  const match = /^\/Delegations\/([^/]+)$/.exec(path);
  if (!match)
    throw new ScimError(
      404,
      `No SCIM resource type at ${truncate(path)}. This endpoint serves /Delegations.`,
    );
  const scimId = decodeSegment(match[1]!);

  if (req.method === 'GET') {
    readDelegation(req, res, scimId, deps);
    return;
  }
  if (req.method === 'DELETE') {
    revokeDelegation(res, scimId, deps, client);
    return;
  }
  throw methodNotAllowed(req, 'GET, DELETE');
}

function listDelegations(req: IncomingMessage, res: ServerResponse, deps: ScimDependencies): void {
  const request = parseListQuery(splitUrl(req.url).query, deps.shape);
  const { records, totalResults } = deps.delegations.list(request.sql);
  const resources = records.map((record) => render(record, deps, request.projection));

  sendScim(res, 200, {
    schemas: [LIST_RESPONSE_SCHEMA],
    totalResults,
    startIndex: request.startIndex,
    itemsPerPage: resources.length,
    Resources: resources,
  });
}

function readDelegation(
  req: IncomingMessage,
  res: ServerResponse,
  scimId: string,
  deps: ScimDependencies,
): void {
  const record = deps.delegations.findIssuedByScimId(scimId);
  if (!record) throw notFound(scimId);

  const { query } = splitUrl(req.url);
  const projection = parseProjection(
    query.get('attributes') ?? undefined,
    query.get('excludedAttributes') ?? undefined,
  );
  sendScim(res, 200, render(record, deps, projection));
}

/** RFC 7644 §3.6: 204 on success. The delegation and every token under it stop working at once. */
function revokeDelegation(
  res: ServerResponse,
  scimId: string,
  deps: ScimDependencies,
  client: string,
): void {
  const revoked = deps.delegations.revokeByScimId(scimId);
  if (!revoked) throw notFound(scimId);

  deps.logger.info(
    {
      delegationId: revoked.id,
      owner: revoked.owner,
      clientId: revoked.clientId,
      revokedBy: client,
    },
    'delegation revoked through SCIM',
  );
  res.writeHead(204).end();
}

function render(
  record: DelegationRecord,
  deps: ScimDependencies,
  projection: Projection = FULL_PROJECTION,
) {
  const location = `${deps.baseUrl}/Delegations/${record.scimId}`;
  return project(toScimResource(record, deps.shape, location), projection);
}

function sendScim(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': SCIM_CONTENT_TYPE,
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(text);
}

/** Percent-decodes one path segment; a malformed escape cannot name a delegation, so it is a 404. */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw notFound(segment);
  }
}

function notFound(scimId: string): ScimError {
  return new ScimError(
    404,
    `Delegation ${JSON.stringify(truncate(scimId))} not found: it is unknown or revoked.`,
  );
}

function methodNotAllowed(req: IncomingMessage, allowed: string): ScimError {
  return new ScimError(405, `${req.method} is not supported here. Use ${allowed}.`, {
    headers: { Allow: allowed },
  });
}

function truncate(text: string): string {
  return text.length > 100 ? `${text.slice(0, 100)}…` : text;
}
