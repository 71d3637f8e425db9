import type { SignInResult } from '../../auth-server/types.ts';
import { isAppError } from '../../shared/errors.ts';
import type { Session } from '../../store/types.ts';
import type { TrackerContext } from '../context.ts';
import { TrackerErrors } from '../errors.ts';
import { errorLogFields, type LogSink } from '../http/log-fields.ts';
import { recordDevice, type DeviceIdentity } from '../security/device.ts';
import { isAdministrator } from './admin-role.ts';
import { rotateSession } from './sessions.ts';

/** How long a started sign-in may take before its state stops working. */
export const LOGIN_TRANSACTION_TTL_MS = 10 * 60 * 1000;

export type LoginNotice = 'login_expired' | 'login_denied' | 'login_failed' | 'clock_skew';

export type CallbackOutcome =
  | { kind: 'signed-in'; session: Session; cookieValue: string }
  | { kind: 'notice'; notice: LoginNotice };

export interface StartSignInInput {
  clientId: string;
  device: DeviceIdentity;
  userAgent: string | undefined;
}

/** Starts the authorization code flow for one client and returns the URL to send the browser to. */
export async function startSignIn(
  context: TrackerContext,
  input: StartSignInInput,
): Promise<{ authorizationUrl: string }> {
  const known = context.relyingParty.clients().some((client) => client.id === input.clientId);
  if (!known) throw TrackerErrors.unknownClient(input.clientId);

  const { authorizationUrl, transaction } = await context.relyingParty.startSignIn(
    input.clientId,
    context.config.tracker.redirectUri,
  );
  await context.store.saveLoginTransaction({
    ...transaction,
    deviceId: input.device.id,
    expiresAt: new Date(Date.now() + LOGIN_TRANSACTION_TTL_MS),
  });
  await recordDevice(context.store, input.device, input.userAgent);
  return { authorizationUrl };
}

export interface CallbackInput {
  /** The full callback URL as the browser requested it; it carries the code and state. */
  callbackUrl: URL;
  device: DeviceIdentity | null;
  previousSessionIdHash: string | undefined;
  userAgent: string | undefined;
  log: LogSink;
}

/**
 * Finishes a sign-in at the redirect URI. The transaction is taken (deleted) before the code is
 * exchanged, so a state value works once, and it must belong to the device that started it.
 */
export async function completeSignIn(
  context: TrackerContext,
  input: CallbackInput,
): Promise<CallbackOutcome> {
  try {
    const transaction = await takeTransaction(context, input.callbackUrl.searchParams.get('state'));
    if (!transaction) return notice('login_expired');
    const device = input.device;
    if (!device || transaction.deviceId !== device.id) {
      input.log.warn(
        { clientId: transaction.clientId },
        'sign-in callback from another device than the one that started it',
      );
      return notice('login_expired');
    }
    if (input.callbackUrl.searchParams.has('error')) {
      logDenial(input.log, transaction.clientId, input.callbackUrl.searchParams.get('error'));
      return notice('login_denied');
    }

    const result = await exchangeCode(context, input.callbackUrl, transaction, device);
    const username = result.claims.sub;
    const delegationId = await learnDelegationId(context, result);
    await saveSignInTokens(context, {
      result,
      delegationId,
      username,
      clientId: transaction.clientId,
      device,
    });
    await recordDevice(context.store, device, input.userAgent);
    const started = await startSession(context, {
      result,
      username,
      clientId: transaction.clientId,
      device,
      previousSessionIdHash: input.previousSessionIdHash,
    });
    await recordSignIn(context, {
      username,
      delegationId,
      clientId: transaction.clientId,
      isAdmin: started.session.isAdmin,
    });

    input.log.info({ username, clientId: transaction.clientId, delegationId }, 'signed in');
    return { kind: 'signed-in', ...started };
  } catch (error) {
    input.log.warn({ error: errorLogFields(error) }, 'sign-in failed');
    // Clock skew is the one failure the user cannot retry away, so it gets its own notice.
    return notice(isAppError(error) && error.code === 'clock_skew' ? 'clock_skew' : 'login_failed');
  }
}

/** Logs the server's OAuth error code, or a placeholder when the value is not one. */
function logDenial(log: LogSink, clientId: string, code: string | null): void {
  const error = code !== null && /^[a-z_]{1,64}$/.test(code) ? code : 'not an OAuth error code';
  log.info({ clientId, error }, 'sign-in denied by the authorization server');
}

function notice(value: LoginNotice): CallbackOutcome {
  return { kind: 'notice', notice: value };
}

async function takeTransaction(context: TrackerContext, state: string | null) {
  if (!state) return null;
  const transaction = await context.store.takeLoginTransaction(state);
  if (!transaction || transaction.expiresAt.getTime() <= Date.now()) return null;
  return transaction;
}

async function exchangeCode(
  context: TrackerContext,
  callbackUrl: URL,
  transaction: { state: string; nonce: string; codeVerifier: string; clientId: string },
  device: DeviceIdentity,
): Promise<SignInResult> {
  const result = await context.relyingParty.finishSignIn(
    callbackUrl,
    transaction,
    context.config.tracker.redirectUri,
    device.publicId,
  );
  if (result.userAgentId !== undefined && result.userAgentId !== device.publicId) {
    throw new Error('The token response echoed a user_agent_id other than the one sent.');
  }
  return result;
}

/**
 * Returns the delegation id from the token response, or else from the access token's
 * `delegationId` claim by introspection: stock Curity adds `delegation_id` to the token response
 * only when a token procedure does.
 */
async function learnDelegationId(context: TrackerContext, result: SignInResult): Promise<string> {
  if (result.tokens.delegationId) return result.tokens.delegationId;

  const introspection = await context.relyingParty.introspect(result.tokens.accessToken, 'json');
  const claim = introspection.active ? introspection.claims.delegationId : undefined;
  if (typeof claim !== 'string' || claim === '') {
    throw new Error(
      'Neither the token response nor introspection of the access token gave a delegation id.',
    );
  }
  return claim;
}

async function saveSignInTokens(
  context: TrackerContext,
  input: {
    result: SignInResult;
    delegationId: string;
    username: string;
    clientId: string;
    device: DeviceIdentity;
  },
): Promise<void> {
  const { tokens } = input.result;
  await context.store.saveTokens({
    delegationId: input.delegationId,
    owner: input.username,
    clientId: input.clientId,
    deviceId: input.device.id,
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    accessTokenExpiresAt: tokens.expiresAt,
    updatedAt: new Date(),
  });
}

async function startSession(
  context: TrackerContext,
  input: {
    result: SignInResult;
    username: string;
    clientId: string;
    device: DeviceIdentity;
    previousSessionIdHash: string | undefined;
  },
) {
  return rotateSession(context.store, {
    username: input.username,
    claims: input.result.claims,
    isAdmin: isAdministrator(context.config.admin, input.username, input.result.claims),
    deviceId: input.device.id,
    clientId: input.clientId,
    idToken: input.result.tokens.idToken,
    ttlSeconds: context.config.tracker.sessionTtlSeconds,
    previousIdHash: input.previousSessionIdHash,
  });
}

async function recordSignIn(
  context: TrackerContext,
  input: { username: string; delegationId: string; clientId: string; isAdmin: boolean },
): Promise<void> {
  await context.store.appendAudit({
    actor: input.username,
    actorIsAdmin: input.isAdmin,
    action: 'sign-in',
    delegationId: input.delegationId,
    owner: input.username,
    clientId: input.clientId,
    result: 'succeeded',
  });
  await context.store.publish({
    type: 'delegation-created',
    owner: input.username,
    delegationId: input.delegationId,
  });
}
