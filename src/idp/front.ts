import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import type { IdpConfig } from '../config/idp.ts';
import { stripQuery, type Logger } from '../shared/logger.ts';
import { sendPage, splitUrl } from './http.ts';
import { handleInteraction, type InteractionDependencies } from './interaction/login.ts';
import {
  handleAuthenticationLogout,
  type LogoutDependencies,
} from './logout/authentication-logout.ts';
import { messageBody } from './pages.ts';
import { AUTHENTICATION_LOGOUT_PATH, INTERACTION_PATH, OAUTH_PREFIX } from './provider/routes.ts';
import { handleScim, type ScimDependencies } from './scim/routes.ts';

export interface FrontDependencies {
  config: IdpConfig;
  provider: Provider;
  interaction: InteractionDependencies;
  logout: LogoutDependencies;
  scim: ScimDependencies;
  formOrigins: readonly string[];
  logger: Logger;
}

const DISCOVERY_DOCUMENTS = [
  '/.well-known/openid-configuration',
  '/.well-known/oauth-authorization-server',
];

/**
 * Routes each request: OAuth and OpenID Connect endpoints to oidc-provider, the sign-in page,
 * Curity's authentication logout and the SCIM endpoint to their handlers, anything else to 404.
 * An unexpected error becomes a 500 without details and one log line.
 */
export function createFront(deps: FrontDependencies): RequestListener {
  const { config, logger } = deps;
  const providerCallback = deps.provider.callback();
  const publicUrl = new URL(config.publicUrl);

  return (req, res) => {
    setForwardedHeaders(req, publicUrl);
    dispatch(req, res).catch((error: unknown) => {
      logger.error(
        { err: error, method: req.method, path: stripQuery(req.url ?? '') },
        'request failed',
      );
      if (res.headersSent) {
        res.destroy();
        return;
      }
      sendPage(res, {
        status: 500,
        title: 'Server error',
        body: messageBody(
          'Server error',
          'The embedded server failed to handle the request. Its log has the details.',
        ),
        formOrigins: deps.formOrigins,
      });
    });
  };

  async function dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { pathname } = splitUrl(req.url);

    const discovery = DISCOVERY_DOCUMENTS.find(
      (document) => pathname === `${config.issuerPath}${document}`,
    );
    if (discovery) {
      // oidc-provider serves discovery at its mount point; the issuer path is not one.
      req.url = `${discovery}${(req.url ?? '').slice(pathname.length)}`;
      await providerCallback(req, res);
      return;
    }
    if (pathname.startsWith(OAUTH_PREFIX) || pathname === `${config.issuerPath}/jwks`) {
      await providerCallback(req, res);
      return;
    }

    const interaction = new RegExp(`^${INTERACTION_PATH}/([A-Za-z0-9_-]+)$`).exec(pathname);
    if (interaction) {
      await handleInteraction(req, res, interaction[1]!, deps.interaction);
      return;
    }
    if (pathname === AUTHENTICATION_LOGOUT_PATH) {
      await handleAuthenticationLogout(req, res, deps.logout);
      return;
    }
    if (pathname === config.scimPath || pathname.startsWith(`${config.scimPath}/`)) {
      await handleScim(req, res, pathname.slice(config.scimPath.length), deps.scim);
      return;
    }

    sendPage(res, {
      status: 404,
      title: 'Not found',
      body: messageBody('Not found', `The embedded server has nothing at ${pathname}.`),
      formOrigins: deps.formOrigins,
    });
  }
}

/**
 * Replaces any client-sent forwarding headers with the public URL's host and scheme. oidc-provider
 * trusts them (`provider.proxy`), so the URLs it builds always use idp.publicUrl.
 */
function setForwardedHeaders(req: IncomingMessage, publicUrl: URL): void {
  delete req.headers['x-forwarded-for'];
  req.headers['x-forwarded-host'] = publicUrl.host;
  req.headers['x-forwarded-proto'] = publicUrl.protocol.slice(0, -1);
}
