import { escapeHtml, renderPage } from './html.ts';

export interface LoginPageOptions {
  action: string;
  csrfToken: string;
  clientName: string;
  username?: string;
  errorMessage?: string;
  /** Shown under the form while demo mode is on. */
  demoHint: boolean;
}

export function loginPageBody(options: LoginPageOptions): string {
  const error = options.errorMessage
    ? `<p class="error" role="alert">${escapeHtml(options.errorMessage)}</p>`
    : '';
  const hint = options.demoHint
    ? '<p class="hint">Demo accounts: janedoe, larseriksson and admin; their passwords are in the README.</p>'
    : '';
  const username = options.username ?? '';

  return `<h1>Sign in to ${escapeHtml(options.clientName)}</h1>
${error}
<form method="post" action="${escapeHtml(options.action)}">
<input type="hidden" name="csrf" value="${escapeHtml(options.csrfToken)}">
<label for="username">Username</label>
<input id="username" name="username" autocomplete="username" value="${escapeHtml(username)}" required ${username ? '' : 'autofocus'}>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required ${username ? 'autofocus' : ''}>
<button type="submit">Sign in</button>
</form>
${hint}`;
}

export function messageBody(heading: string, text: string): string {
  return `<h1>${escapeHtml(heading)}</h1>\n<p>${escapeHtml(text)}</p>`;
}

/**
 * Renders the page of RP-initiated logout. Its form confirms the logout with `logout=yes`, which
 * ends the whole single sign-on session, and its script submits the form at once, so logging out
 * needs no click.
 */
export function logoutPage(action: string, xsrf: string, nonce: string): string {
  const body = `<h1>Signing out…</h1>
<form id="logout" method="post" action="${escapeHtml(action)}">
<input type="hidden" name="xsrf" value="${escapeHtml(xsrf)}">
<input type="hidden" name="logout" value="yes">
<noscript><button type="submit">Continue signing out</button></noscript>
</form>
<script nonce="${nonce}">document.getElementById('logout').submit();</script>`;
  return renderPage('Signing out', body, nonce);
}

export function postLogoutPage(nonce: string): string {
  return renderPage(
    'Signed out',
    messageBody('Signed out', 'You have been signed out of the embedded server.'),
    nonce,
  );
}

/** oidc-provider's error page: the OAuth error code and description, nothing else. */
export function errorPage(
  out: { error?: unknown; error_description?: unknown },
  nonce: string,
): string {
  const error = typeof out.error === 'string' ? out.error : 'server_error';
  const description = typeof out.error_description === 'string' ? out.error_description : '';
  return renderPage('Sign-in failed', messageBody(`Sign-in failed: ${error}`, description), nonce);
}
