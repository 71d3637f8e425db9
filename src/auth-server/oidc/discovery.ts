import * as client from 'openid-client';
import type { AppError } from '../../shared/errors.ts';
import type { Logger } from '../../shared/logger.ts';
import { endpointOf, invalidResponseError, type Endpoint } from '../errors.ts';
import type { FetchFunction } from '../http/client.ts';
import { CLOCK_TOLERANCE_SECONDS } from './clock.ts';
import { mapLibraryError, unexpectedError } from './library-errors.ts';

export interface DiscoveryOptions {
  issuer: string;
  allowInsecureHttp: boolean;
  /** Timeout of each OAuth request made with a discovered Configuration. */
  requestTimeoutMs: number;
  /** Time allowed for discovery with its retries. */
  discoveryTimeoutMs: number;
  fetch: FetchFunction;
  logger: Logger;
}

export interface ClientCredentials {
  id: string;
  secret: string;
}

/**
 * Discovers the authorization server's metadata on first use and caches it. A failed discovery is
 * not cached, so that the next call tries again once the server is up.
 */
export class ServerDiscovery {
  readonly endpoint: Endpoint;
  readonly #options: DiscoveryOptions;
  readonly #configurations = new Map<string, client.Configuration>();
  #metadata: client.ServerMetadata | undefined;
  #pending: Promise<client.ServerMetadata> | undefined;

  constructor(options: DiscoveryOptions) {
    this.#options = options;
    this.endpoint = endpointOf(options.issuer, 'authServer.issuer');
  }

  async metadata(): Promise<client.ServerMetadata> {
    if (this.#metadata) return this.#metadata;

    this.#pending ??= this.#discover().finally(() => {
      this.#pending = undefined;
    });
    this.#metadata = await this.#pending;
    return this.#metadata;
  }

  /**
   * Returns the openid-client Configuration of a client, which authenticates with
   * client_secret_basic: the method RFC 7591 names as the default.
   */
  async configuration(credentials: ClientCredentials): Promise<client.Configuration> {
    const cached = this.#configurations.get(credentials.id);
    if (cached) return cached;

    const configuration = new client.Configuration(
      await this.metadata(),
      credentials.id,
      { client_secret: credentials.secret, [client.clockTolerance]: CLOCK_TOLERANCE_SECONDS },
      client.ClientSecretBasic(credentials.secret),
    );
    this.#applyTransport(configuration);
    this.#configurations.set(credentials.id, configuration);
    return configuration;
  }

  async #discover(): Promise<client.ServerMetadata> {
    const { issuer, allowInsecureHttp, discoveryTimeoutMs, fetch, logger } = this.#options;
    try {
      const discovered = await client.discovery(
        new URL(issuer),
        'discovery',
        undefined,
        client.None(),
        {
          [client.customFetch]: fetch as client.CustomFetch,
          timeout: discoveryTimeoutMs / 1000,
          execute: allowInsecureHttp ? [client.allowInsecureRequests] : [],
        },
      );
      logger.info({ issuer }, 'Discovered the authorization server');
      return { ...discovered.serverMetadata() };
    } catch (error) {
      const mapped = this.#discoveryError(error);
      logger.warn(
        { issuer, code: mapped.code, detail: mapped.detail },
        'Discovery of the authorization server failed',
      );
      throw mapped;
    }
  }

  #discoveryError(error: unknown): AppError {
    if (
      error instanceof client.ClientError &&
      error.code === 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED'
    ) {
      const discoveredIssuer = (error.cause as { body?: { issuer?: unknown } } | undefined)?.body
        ?.issuer;
      return invalidResponseError(
        this.endpoint,
        `its discovery document names the issuer ${String(discoveredIssuer)}, not ${this.#options.issuer}`,
      );
    }
    const mapped = mapLibraryError(error, this.endpoint, this.#options.discoveryTimeoutMs);
    if (mapped?.code === 'as_invalid_response') {
      return invalidResponseError(
        this.endpoint,
        `no valid discovery document at ${this.#options.issuer}/.well-known/openid-configuration (${mapped.detail})`,
      );
    }
    return (
      mapped ??
      unexpectedError(
        'as_invalid_response',
        502,
        `Discovery of the authorization server at ${this.endpoint.origin} failed. Check authServer.issuer.`,
        error,
      )
    );
  }

  #applyTransport(configuration: client.Configuration): void {
    configuration[client.customFetch] = this.#options.fetch as client.CustomFetch;
    configuration.timeout = this.#options.requestTimeoutMs / 1000;
    if (this.#options.allowInsecureHttp) client.allowInsecureRequests(configuration);
  }
}
