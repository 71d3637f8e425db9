import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { DEMO_CLIENT_SECRETS } from '../../src/config/idp.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { parseForm } from '../helpers/test-browser.ts';
import {
  authorize,
  exchangeCode,
  introspect,
  scim,
  scimList,
  scimToken,
  startTestIdp,
  submitLogin,
  tokenRequest,
  TestBrowser,
  type TestIdp,
} from './support.ts';

describe('embedded server log', () => {
  const lines: string[] = [];
  let idp: TestIdp;
  before(async () => {
    const capture = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString('utf8'));
        done();
      },
    });
    idp = await startTestIdp({}, { logger: createLogger({ level: 'debug' }, capture) });
  });
  after(async () => {
    await idp.close();
  });

  test('contains no token, code or secret', async () => {
    const secrets: string[] = [...Object.values(DEMO_CLIENT_SECRETS)];
    const browser = new TestBrowser(idp.config.publicUrl);

    const page = await browser.fetch(await authorizationStart(idp, browser));
    const form = parseForm(await page.text(), new URL(page.url))!;
    await submitLogin(browser, form.action, {
      ...form.fields,
      username: 'janedoe',
      password: 'typo-pass-123',
    });
    secrets.push('typo-pass-123', 'jane-demo-pass');

    const result = await authorize(idp, browser, {
      clientId: 'www',
      username: 'janedoe',
      password: 'jane-demo-pass',
    });
    const tokens = await exchangeCode(idp, 'www', result, { user_agent_id: 'device-log-test' });
    secrets.push(
      result.code,
      result.verifier,
      tokens.access_token,
      tokens.refresh_token!,
      tokens.id_token!,
    );

    const refreshed = await tokenRequest(idp, 'www', {
      grant_type: 'refresh_token',
      refresh_token: 'bogus-refresh-value',
    });
    assert.equal(refreshed.status, 400);
    secrets.push('bogus-refresh-value');
    await introspect(idp, tokens.access_token, { accept: 'application/jwt' });

    const adminToken = await scimToken(idp);
    secrets.push(adminToken);
    const list = await scimList(idp, adminToken, {
      filter: `externalId eq "${tokens.delegation_id}"`,
    });
    await scim(idp, `/Delegations/${list.Resources[0]!.id}`, adminToken, { method: 'DELETE' });

    const log = lines.join('');
    assert.match(log, /sign-in failed/, 'the failed sign-in is logged');
    assert.match(log, /delegation revoked through SCIM/, 'the revocation is logged');
    for (const secret of secrets) {
      assert.ok(!log.includes(secret), `the log contains ${secret.slice(0, 6)}…`);
    }
  });
});

async function authorizationStart(idp: TestIdp, browser: TestBrowser): Promise<URL> {
  const url = new URL(`${idp.config.publicUrl}/oauth/v2/oauth-authorize`);
  url.search = new URLSearchParams({
    client_id: 'www',
    response_type: 'code',
    redirect_uri: idp.config.clients[0]!.redirectUris[0]!,
    scope: 'openid profile',
    state: 'log-test',
    code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    code_challenge_method: 'S256',
  }).toString();
  const response = await browser.fetch(url);
  return new URL(response.headers.get('location')!, url);
}
