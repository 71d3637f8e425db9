import type { AuthServerConfig } from '../config/load.ts';
import type { Logger } from '../shared/logger.ts';
import { HttpClient } from './http/client.ts';
import type { RetryPolicy } from './http/retry.ts';
import { ServerDiscovery } from './oidc/discovery.ts';
import { Introspector } from './oidc/introspection.ts';
import { OidcRelyingParty } from './oidc/relying-party.ts';
import { ScimDelegationDirectory } from './scim/directory.ts';
import { ScimClient } from './scim/scim-client.ts';
import { ClientCredentialsToken } from './scim/token.ts';
import type { DelegationDirectory, RelyingParty } from './types.ts';

export type { RetryPolicy };

export interface AuthServerClientOptions {
  logger: Logger;
  /** Overrides of the retry policy of idempotent reads; tests shorten the waits with it. */
  retryPolicy?: Partial<RetryPolicy>;
}

export interface AuthServerClients {
  directory: DelegationDirectory;
  relyingParty: RelyingParty;
  /** Closes the HTTP connections; requests still running are allowed to finish. */
  close(): Promise<void>;
}

/**
 * Creates the clients of the authorization server. Nothing is sent yet: discovery happens on first
 * use and is repeated on later calls until it succeeds, so the tracker can start before the server.
 * Throws a ConfigError only when authServer.caFile cannot be read.
 */
export async function createAuthServerClients(
  config: AuthServerConfig,
  options: AuthServerClientOptions,
): Promise<AuthServerClients> {
  const logger = options.logger.child({ module: 'auth-server' });
  const http = new HttpClient({
    caFile: config.caFile,
    timeoutMs: config.requestTimeoutMs,
    logger,
    retryPolicy: options.retryPolicy,
  });
  const discovery = new ServerDiscovery({
    issuer: config.issuer,
    allowInsecureHttp: config.allowInsecureHttp,
    requestTimeoutMs: config.requestTimeoutMs,
    discoveryTimeoutMs: http.retryBudgetMs,
    fetch: http.fetchFor('authServer.issuer'),
    logger,
  });

  const { scim } = config;
  const token = new ClientCredentialsToken(
    discovery,
    { clientId: scim.clientId, clientSecret: scim.clientSecret, scope: scim.scope },
    logger,
    config.requestTimeoutMs,
  );
  const scimClient = new ScimClient(scim.baseUrl, http, token, {
    clientId: scim.clientId,
    scope: scim.scope,
  });
  const directory = new ScimDelegationDirectory(
    scimClient,
    { shape: scim.shape, pageSize: scim.pageSize },
    logger,
  );

  const introspector = new Introspector(discovery, http, config.introspection, logger);
  const relyingParty = new OidcRelyingParty(discovery, introspector, {
    clients: config.clients,
    scopes: config.scopes,
    requestTimeoutMs: config.requestTimeoutMs,
    logout: config.logout,
  });

  return { directory, relyingParty, close: () => http.close() };
}
