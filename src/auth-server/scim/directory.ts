import type { Logger } from '../../shared/logger.ts';
import { invalidResponseError } from '../errors.ts';
import type {
  Delegation,
  DelegationDirectory,
  DelegationPage,
  DelegationQuery,
  RevokeResult,
} from '../types.ts';
import { buildFilter } from './filter.ts';
import { applyQueryLocally } from './local-query.ts';
import { isLegacyShaped, normalizeDelegation } from './normalize.ts';
import { checkQuery, encodeResourceId, type CheckedQuery } from './query.ts';
import {
  checkResourcesPresent,
  parseJsonObject,
  readListPage,
  type ScimListPage,
} from './response.ts';
import { scimErrorDetail, type ScimClient } from './scim-client.ts';

export type ScimShape = 'auto' | 'modern' | 'legacy';

export interface DirectorySettings {
  shape: ScimShape;
  /** `count` of each page fetched from the server. */
  pageSize: number;
}

/**
 * Upper bound on the pages one legacy listing fetches (100,000 delegations at 50 a page), so that a
 * server that keeps returning new pages cannot keep a request busy forever.
 */
const MAX_LEGACY_PAGES = 2_000;

/**
 * Reads and revokes delegations through Curity's SCIM 2.0 `Delegations` endpoint. With the shape
 * `auto` it starts with server-side filters and switches to the 2019 shape for the rest of the
 * process when the server rejects a filter or returns `sub` in place of `owner`.
 */
export class ScimDelegationDirectory implements DelegationDirectory {
  readonly #scim: ScimClient;
  readonly #settings: DirectorySettings;
  readonly #logger: Logger;
  #shape: 'modern' | 'legacy';
  /** Set when the server echoed `startIndex: 0`: it counts from 0, so every index sent is one lower. */
  #zeroBasedIndex = false;

  constructor(scim: ScimClient, settings: DirectorySettings, logger: Logger) {
    this.#scim = scim;
    this.#settings = settings;
    this.#logger = logger;
    this.#shape = settings.shape === 'legacy' ? 'legacy' : 'modern';
  }

  async list(query: DelegationQuery, signal?: AbortSignal): Promise<DelegationPage> {
    const checked = checkQuery(query, this.#settings.pageSize);

    if (this.#shape === 'modern') {
      const page = await this.#listOnServer(checked, signal);
      if (page) return page;
    }
    return applyQueryLocally(await this.#fetchAll(signal), checked);
  }

  async get(id: string, signal?: AbortSignal): Promise<Delegation | null> {
    const response = await this.#scim.send(
      'GET',
      `/Delegations/${encodeResourceId(id)}`,
      {},
      signal,
    );
    if (response.status === 404) return null;
    if (!isSuccess(response.status)) throw this.#scim.statusError(response);

    const resource = parseJsonObject(response, this.#scim.endpoint);
    this.#detectLegacyShape([resource]);
    const result = normalizeDelegation(resource);
    if ('skipped' in result) {
      throw invalidResponseError(
        this.#scim.endpoint,
        `a Delegation resource where ${result.skipped}`,
      );
    }
    return result.delegation;
  }

  /**
   * Revokes with DELETE. Only a 2xx response counts as revoked, and 404 means the server no longer
   * has an issued delegation with that id.
   */
  async revoke(id: string, signal?: AbortSignal): Promise<RevokeResult> {
    const response = await this.#scim.send(
      'DELETE',
      `/Delegations/${encodeResourceId(id)}`,
      {},
      signal,
    );
    if (response.status === 404) return 'already-revoked';
    if (isSuccess(response.status)) return 'revoked';
    throw this.#scim.statusError(response);
  }

  /** Returns undefined when the server turned out to use the 2019 shape and `auto` switched to it. */
  async #listOnServer(
    query: CheckedQuery,
    signal: AbortSignal | undefined,
  ): Promise<DelegationPage | undefined> {
    const filter = buildFilter(query);
    const sentStartIndex = this.#zeroBasedIndex ? query.startIndex - 1 : query.startIndex;
    const response = await this.#scim.send(
      'GET',
      '/Delegations',
      {
        filter,
        startIndex: sentStartIndex,
        count: query.count,
        sortBy: query.sortBy,
        sortOrder: query.sortBy ? (query.sortOrder ?? 'ascending') : undefined,
      },
      signal,
    );

    if (response.status === 400 && (filter || query.sortBy) && this.#settings.shape === 'auto') {
      this.#switchToLegacy(
        `it rejected a filter or sort with HTTP 400 (${scimErrorDetail(response) ?? 'no detail'})`,
      );
      return undefined;
    }
    if (!isSuccess(response.status)) throw this.#scim.statusError(response);

    const page = readListPage(parseJsonObject(response, this.#scim.endpoint), this.#scim.endpoint);
    if (this.#detectLegacyShape(page.resources)) return undefined;
    if (this.#detectZeroBasedIndex(page, sentStartIndex)) return this.#listOnServer(query, signal);
    if (query.count > 0) checkResourcesPresent(page, query.startIndex, this.#scim.endpoint);

    const resources = page.resources.slice(0, query.count);
    const items = this.#normalize(resources);
    return {
      items,
      // A page past the end proves nothing about the total, so only a non-empty page raises it.
      totalResults:
        resources.length > 0
          ? Math.max(page.totalResults ?? 0, query.startIndex - 1 + resources.length)
          : (page.totalResults ?? 0),
      startIndex: query.startIndex,
      itemsPerPage: items.length,
    };
  }

  /**
   * Fetches every delegation, page by page, for filtering here. It stops at an empty page, at a
   * page with nothing new (a server that ignores startIndex), or at a short page once totalResults
   * is reached. Duplicates from overlapping pages are dropped by id.
   *
   * NOTE: this reads the whole collection on every list call, so it is slow on servers with many
   * delegations. Only the 2019 shape, which cannot filter, needs it.
   */
  async #fetchAll(signal: AbortSignal | undefined): Promise<Delegation[]> {
    const byId = new Map<string, Delegation>();
    const pageSize = this.#settings.pageSize;
    let startIndex = this.#zeroBasedIndex ? 0 : 1;

    for (let pageNumber = 0; pageNumber < MAX_LEGACY_PAGES; pageNumber++) {
      const response = await this.#scim.send(
        'GET',
        '/Delegations',
        { startIndex, count: pageSize },
        signal,
      );
      if (!isSuccess(response.status)) throw this.#scim.statusError(response);

      const page = readListPage(
        parseJsonObject(response, this.#scim.endpoint),
        this.#scim.endpoint,
      );
      if (this.#detectZeroBasedIndex(page, startIndex)) {
        startIndex = 0;
        continue;
      }
      checkResourcesPresent(
        page,
        this.#zeroBasedIndex ? startIndex + 1 : startIndex,
        this.#scim.endpoint,
      );

      let added = 0;
      for (const delegation of this.#normalize(page.resources)) {
        if (byId.has(delegation.id)) continue;
        byId.set(delegation.id, delegation);
        added += 1;
      }

      if (page.resources.length === 0) return [...byId.values()];
      if (added === 0) {
        this.#warnIfIncomplete(byId.size, page.totalResults);
        return [...byId.values()];
      }
      const shortPage = page.resources.length < pageSize;
      if (shortPage && (page.totalResults === undefined || byId.size >= page.totalResults))
        return [...byId.values()];
      startIndex += page.resources.length;
    }

    this.#logger.warn(
      { pages: MAX_LEGACY_PAGES, delegations: byId.size },
      'Stopped listing SCIM delegations at the page limit; the list is incomplete',
    );
    return [...byId.values()];
  }

  #normalize(resources: unknown[]): Delegation[] {
    const delegations: Delegation[] = [];
    const skipReasons: string[] = [];

    for (const resource of resources) {
      const result = normalizeDelegation(resource);
      if ('delegation' in result) delegations.push(result.delegation);
      else skipReasons.push(result.skipped);
    }

    if (skipReasons.length > 0) {
      this.#logger.warn(
        { skipped: skipReasons.length, reason: skipReasons[0] },
        'Skipped SCIM Delegation resources that cannot be used',
      );
    }
    return delegations;
  }

  /** Switches `auto` to the 2019 shape when a resource has `sub` and no `owner`; returns whether it did. */
  #detectLegacyShape(resources: unknown[]): boolean {
    if (this.#settings.shape !== 'auto' || this.#shape === 'legacy') return false;
    if (!resources.some(isLegacyShaped)) return false;

    this.#switchToLegacy('it returned Delegation resources with "sub" and without "owner"');
    return true;
  }

  #switchToLegacy(reason: string): void {
    this.#shape = 'legacy';
    this.#logger.warn(
      { scimBaseUrl: this.#scim.endpoint.origin, reason },
      'The SCIM server uses the 2019 Delegation shape: filtering, sorting and paging now happen in the tracker for this process. Set authServer.scim.shape to "legacy" or "modern" to skip the detection.',
    );
  }

  #detectZeroBasedIndex(page: ScimListPage, sentStartIndex: number): boolean {
    if (this.#zeroBasedIndex || page.startIndex !== 0 || sentStartIndex < 1) return false;

    this.#zeroBasedIndex = true;
    this.#logger.warn(
      { scimBaseUrl: this.#scim.endpoint.origin },
      'The SCIM server counts startIndex from 0; sending indexes one lower from now on',
    );
    return true;
  }

  #warnIfIncomplete(collected: number, totalResults: number | undefined): void {
    if (totalResults === undefined || collected >= totalResults) return;
    this.#logger.warn(
      { collected, totalResults },
      'The SCIM server repeated a page instead of paging; the delegation list may be incomplete',
    );
  }
}

function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}
