import Provider from 'oidc-provider';
import type { IdpConfig } from '../../config/idp.ts';
import type { Logger } from '../../shared/logger.ts';
import type { AccountDirectory } from '../accounts.ts';
import type { SqliteDatabase } from '../store/database.ts';
import type { DelegationStore } from '../store/delegations.ts';
import { createAdapterFactory } from '../store/oidc-adapter.ts';
import type { ServerSecrets } from '../store/secrets.ts';
import { formTargetOrigins } from './clients.ts';
import { buildConfiguration } from './configuration.ts';
import { allowsGrantCascade } from './grant-policy.ts';
import { introspectionExtras } from './introspection-extras.ts';
import { PhantomTokenSigner } from './phantom-token.ts';
import { securityHeaders } from './security-headers.ts';
import { tokenResponseExtras } from './token-extras.ts';

export interface ProviderDependencies {
  config: IdpConfig;
  db: SqliteDatabase;
  delegations: DelegationStore;
  accounts: AccountDirectory;
  secrets: ServerSecrets;
  logger: Logger;
}

/** Creates the oidc-provider instance with the Curity behaviour added around its endpoints. */
export function createProvider(deps: ProviderDependencies): Provider {
  const { config, logger } = deps;
  const adapter = createAdapterFactory(deps.db, deps.delegations, () =>
    allowsGrantCascade(Provider.ctx),
  );
  const provider = new Provider(
    config.issuer,
    buildConfiguration({
      config,
      accounts: deps.accounts,
      adapter,
      signingKey: deps.secrets.signingKey,
      retiredSigningKeys: deps.secrets.retiredSigningKeys,
      cookieKeys: deps.secrets.cookieKeys,
    }),
  );

  // The front sets X-Forwarded-Host and -Proto from idp.publicUrl, so every URL oidc-provider
  // builds (discovery, redirects) uses the public address whatever Host the client sent.
  provider.proxy = true;

  provider.use(securityHeaders(formTargetOrigins(config.clients)));
  provider.use(tokenResponseExtras(deps.delegations));
  provider.use(introspectionExtras(new PhantomTokenSigner(config.issuer, deps.secrets.signingKey)));

  logProviderErrors(provider, logger);
  return provider;
}

/**
 * Logs server errors with their stack, and OAuth errors returned to clients with their code only.
 * Request parameters are never logged: they carry codes, tokens and secrets.
 */
function logProviderErrors(provider: Provider, logger: Logger): void {
  provider.on('server_error', (ctx, error) => {
    logger.error({ err: error, route: ctx.oidc?.route }, 'oidc-provider request failed');
  });
  // Koa prints to stderr unless the application has an 'error' listener.
  (provider as unknown as NodeJS.EventEmitter).on('error', (error: unknown) => {
    logger.error({ err: error }, 'oidc-provider failed outside a request');
  });

  const clientErrors = [
    'authorization.error',
    'grant.error',
    'introspection.error',
    'revocation.error',
    'userinfo.error',
    'end_session.error',
    'end_session_confirm.error',
  ] as const;
  for (const event of clientErrors) {
    provider.on(event as 'grant.error', (_ctx, error) => {
      logger.debug(
        { event, error: error.error, description: error.error_description },
        'OAuth error returned',
      );
    });
  }
}
