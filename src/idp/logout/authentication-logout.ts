import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import type { Logger } from '../../shared/logger.ts';
import { redirect, sendPage, singleValue, splitUrl } from '../http.ts';
import { messageBody } from '../pages.ts';

export interface LogoutDependencies {
  provider: Provider;
  /** Accepted redirect targets: a URL is accepted when it has an entry's origin and path prefix. */
  allowlist: readonly string[];
  formOrigins: readonly string[];
  logger: Logger;
}

/**
 * Curity's authentication logout, `GET /authentication/logout?redirect_uri=…`: ends the single
 * sign-on session of this browser and redirects to `redirect_uri` when the allowlist accepts it.
 * Delegations and their tokens stay untouched. Any other request gets a 400 page.
 */
export async function handleAuthenticationLogout(
  req: IncomingMessage,
  res: ServerResponse,
  deps: LogoutDependencies,
): Promise<void> {
  if (req.method !== 'GET') {
    res.writeHead(405, { Allow: 'GET' }).end();
    return;
  }

  const redirectUri = singleValue(splitUrl(req.url).query, 'redirect_uri');
  if (redirectUri === undefined || !isAllowed(redirectUri, deps.allowlist)) {
    const text =
      redirectUri === undefined
        ? 'The logout request needs exactly one redirect_uri parameter.'
        : 'The redirect_uri is not on the logout allowlist (idp.logoutRedirectAllowlist).';
    // Only the origin: the rest of a rejected URL may carry anything.
    const origin =
      redirectUri === undefined ? undefined : (URL.parse(redirectUri)?.origin ?? 'unparsable');
    deps.logger.info({ redirectOrigin: origin }, `logout rejected: ${text}`);
    sendPage(res, {
      status: 400,
      title: 'Logout failed',
      body: messageBody('Logout failed', text),
      formOrigins: deps.formOrigins,
    });
    return;
  }

  await endSingleSignOnSession(req, res, deps.provider, deps.logger);
  redirect(res, redirectUri);
}

async function endSingleSignOnSession(
  req: IncomingMessage,
  res: ServerResponse,
  provider: Provider,
  logger: Logger,
): Promise<void> {
  const ctx = provider.createContext(req, res);
  const session = await provider.Session.get(ctx);
  if (session.accountId)
    logger.info({ username: session.accountId }, 'single sign-on session ended by logout');
  // A session without a stored copy has nothing to delete; destroying it is still harmless.
  await session.destroy();
  ctx.cookies.set(provider.cookieName('session'), null, {
    httpOnly: true,
    sameSite: 'lax',
    signed: true,
  });
}

/**
 * Compares parsed URLs rather than strings, so an entry `http://localhost:5555` cannot accept
 * `http://localhost:5555.example.com/`. URLs with user information are never accepted.
 */
export function isAllowed(candidate: string, allowlist: readonly string[]): boolean {
  const target = URL.parse(candidate);
  if (!target || (target.protocol !== 'http:' && target.protocol !== 'https:')) return false;
  if (target.username || target.password) return false;

  return allowlist.some((entry) => {
    const allowed = URL.parse(entry);
    return (
      allowed !== null &&
      target.origin === allowed.origin &&
      target.pathname.startsWith(allowed.pathname)
    );
  });
}
