import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { errors, type default as Provider } from 'oidc-provider';
import type { Logger } from '../../shared/logger.ts';
import type { AccountDirectory } from '../accounts.ts';
import { HttpError, readFormBody, sendPage, singleValue } from '../http.ts';
import { loginPageBody, messageBody } from '../pages.ts';
import { INTERACTION_PATH } from '../provider/routes.ts';
import type { DelegationStore } from '../store/delegations.ts';

/** Maximum size of the sign-in form in bytes: a username, a password and the CSRF token. */
const MAX_FORM_BYTES = 8 * 1024;

export interface InteractionDependencies {
  provider: Provider;
  accounts: AccountDirectory;
  delegations: DelegationStore;
  /** Key of the sign-in form's CSRF token. */
  csrfKey: string;
  publicOrigin: string;
  formOrigins: readonly string[];
  demo: boolean;
  logger: Logger;
}

type InteractionDetails = Awaited<ReturnType<Provider['interactionDetails']>>;

/**
 * Serves `GET` and `POST ${INTERACTION_PATH}/<uid>`: the sign-in page and its form. When
 * oidc-provider requests consent instead, consent is granted at once without a page, because
 * every client of the embedded server is a first-party demo client.
 */
export async function handleInteraction(
  req: IncomingMessage,
  res: ServerResponse,
  uid: string,
  deps: InteractionDependencies,
): Promise<void> {
  const details = await loadInteraction(req, res, uid, deps);
  if (!details) return;

  if (details.prompt.name === 'consent') {
    await grantConsent(req, res, details, deps);
    return;
  }
  if (details.prompt.name !== 'login') {
    sendMessage(
      res,
      deps,
      400,
      'Sign-in failed',
      `oidc-provider requested the prompt "${details.prompt.name}", which this page does not handle.`,
    );
    return;
  }

  if (req.method === 'GET') {
    await sendLoginPage(res, details, deps, 200, {});
    return;
  }
  if (req.method === 'POST') {
    await submitLogin(req, res, details, deps);
    return;
  }
  res.writeHead(405, { Allow: 'GET, POST' }).end();
}

async function loadInteraction(
  req: IncomingMessage,
  res: ServerResponse,
  uid: string,
  deps: InteractionDependencies,
): Promise<InteractionDetails | undefined> {
  try {
    const details = await deps.provider.interactionDetails(req, res);
    if (details.uid === uid) return details;
  } catch (error) {
    if (!(error instanceof errors.SessionNotFound)) throw error;
  }
  deps.logger.info(
    { method: req.method },
    'sign-in page requested for an expired or unknown sign-in',
  );
  sendMessage(
    res,
    deps,
    400,
    'Sign-in expired',
    'This sign-in request has expired or was already completed. Go back to the application and sign in again.',
  );
  return undefined;
}

async function submitLogin(
  req: IncomingMessage,
  res: ServerResponse,
  details: InteractionDetails,
  deps: InteractionDependencies,
): Promise<void> {
  const clientId = String(details.params.client_id);
  if (isCrossSite(req, deps.publicOrigin)) {
    deps.logger.warn(
      { clientId, origin: req.headers.origin },
      'sign-in form rejected: sent from another site',
    );
    sendMessage(res, deps, 403, 'Sign-in rejected', 'The form was sent from another site.');
    return;
  }

  let form: URLSearchParams;
  try {
    form = await readFormBody(req, MAX_FORM_BYTES);
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    deps.logger.info({ clientId, status: error.status }, `sign-in form rejected: ${error.message}`);
    sendMessage(res, deps, error.status, 'Sign-in failed', error.message);
    return;
  }

  if (!csrfTokenMatches(singleValue(form, 'csrf'), details.uid, deps.csrfKey)) {
    deps.logger.warn({ clientId }, 'sign-in form rejected: missing or wrong CSRF token');
    sendMessage(
      res,
      deps,
      403,
      'Sign-in rejected',
      'The form has expired. Go back to the application and sign in again.',
    );
    return;
  }

  const username = singleValue(form, 'username')?.trim() ?? '';
  const account = deps.accounts.verify(username, singleValue(form, 'password') ?? '');
  if (!account) {
    // An unknown username is not logged: people sometimes type their password into that field.
    const known = deps.accounts.find(username) !== undefined;
    deps.logger.info(
      { username: known ? username : '[unknown]', clientId },
      'sign-in failed: wrong username or password',
    );
    await sendLoginPage(res, details, deps, 401, {
      username,
      errorMessage: 'The username or password is incorrect. Try again.',
    });
    return;
  }

  deps.logger.info({ username, clientId }, 'signed in');
  await deps.provider.interactionFinished(
    req,
    res,
    { login: { accountId: account.username } },
    { mergeWithLastSubmission: false },
  );
}

/**
 * Creates a new grant (delegation) with the requested scopes and claims and resumes the
 * authorization with it. The grant id is a UUID, like Curity's delegation ids.
 */
async function grantConsent(
  req: IncomingMessage,
  res: ServerResponse,
  details: InteractionDetails,
  deps: InteractionDependencies,
): Promise<void> {
  const { provider } = deps;
  const missing = details.prompt.details as {
    missingOIDCScope?: string[];
    missingOIDCClaims?: string[];
  };
  const accountId = details.session?.accountId;
  if (!accountId) {
    deps.logger.info(
      { clientId: details.params.client_id },
      'consent requested without a signed-in user',
    );
    sendMessage(
      res,
      deps,
      400,
      'Sign-in failed',
      'The sign-in session ended. Go back to the application and sign in again.',
    );
    return;
  }

  const grant = new provider.Grant({ accountId, clientId: String(details.params.client_id) });
  grant.jti = randomUUID();
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  const grantId = await grant.save();
  deps.delegations.setRedirectUri(grantId, String(details.params.redirect_uri));

  await provider.interactionFinished(
    req,
    res,
    { consent: { grantId } },
    { mergeWithLastSubmission: true },
  );
}

async function sendLoginPage(
  res: ServerResponse,
  details: InteractionDetails,
  deps: InteractionDependencies,
  status: number,
  options: { username?: string; errorMessage?: string },
): Promise<void> {
  const clientId = String(details.params.client_id);
  const client = await deps.provider.Client.find(clientId);
  sendPage(res, {
    status,
    title: 'Sign in',
    body: loginPageBody({
      action: `${INTERACTION_PATH}/${details.uid}`,
      csrfToken: csrfTokenFor(details.uid, deps.csrfKey),
      clientName: client?.clientName ?? clientId,
      demoHint: deps.demo,
      ...options,
    }),
    formOrigins: deps.formOrigins,
  });
}

function sendMessage(
  res: ServerResponse,
  deps: InteractionDependencies,
  status: number,
  title: string,
  text: string,
): void {
  sendPage(res, { status, title, body: messageBody(title, text), formOrigins: deps.formOrigins });
}

/** Computes the form's CSRF token. It is bound to one interaction, so it cannot be replayed on another. */
function csrfTokenFor(uid: string, key: string): string {
  return createHmac('sha256', key).update(`sign-in:${uid}`).digest('base64url');
}

function csrfTokenMatches(received: string | undefined, uid: string, key: string): boolean {
  if (received === undefined) return false;
  const expected = Buffer.from(csrfTokenFor(uid, key));
  const actual = Buffer.from(received);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/**
 * Returns whether the form came from another site: `Sec-Fetch-Site: cross-site`, or an Origin
 * other than this server's. This server's origin is its public URL or the Host the browser
 * addressed, because a browser always sets Host to the target.
 */
function isCrossSite(req: IncomingMessage, publicOrigin: string): boolean {
  if (req.headers['sec-fetch-site'] === 'cross-site') return true;
  const origin = req.headers.origin;
  if (origin === undefined) return false;
  const protocol = new URL(publicOrigin).protocol;
  return origin !== publicOrigin && origin !== `${protocol}//${req.headers.host ?? ''}`;
}
