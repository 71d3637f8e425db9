import { AppError } from '../shared/errors.ts';

/**
 * The tracker's own error codes, each listed in docs/errors.md. Users see the messages, so they name
 * the problem and the next step and carry no token or internal detail.
 */
export const TrackerErrors = {
  notSignedIn: () =>
    new AppError('not_signed_in', 401, 'You are not signed in. Sign in and try again.'),
  notAdmin: () => new AppError('not_admin', 403, 'This page is for administrators only.'),
  csrfRejected: (detail: string) =>
    new AppError(
      'csrf_rejected',
      403,
      'The request did not come from this site, so it was rejected. Reload the page and try again.',
      {
        detail,
      },
    ),
  unknownClient: (clientId: string) =>
    new AppError(
      'unknown_client',
      400,
      `Unknown application "${clientId}". Choose one of the applications listed on the page.`,
    ),
  delegationNotFound: () =>
    new AppError(
      'delegation_not_found',
      404,
      'No such session was found among yours. It may have ended already; reload the list.',
    ),
  noTokensHere: () =>
    new AppError(
      'no_tokens_here',
      400,
      'This browser holds no tokens for that session, so it cannot act on them here.',
    ),
  noRefreshToken: () =>
    new AppError(
      'no_refresh_token',
      400,
      'The server issued no refresh token for that session, so it cannot be refreshed.',
    ),
  delegationEnded: (detail?: string) =>
    new AppError(
      'delegation_ended',
      409,
      'That session has ended at the authorization server. Reload the list.',
      { detail },
    ),
  invalidRequest: (message: string) => new AppError('invalid_request', 400, message),
  routeNotFound: (method: string, path: string) =>
    new AppError(
      'not_found',
      404,
      `No API route matches ${method} ${path}. Check the path against docs/api.md.`,
    ),
};
