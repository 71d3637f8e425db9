import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { decodeProtectedHeader } from 'jose';
import { startEmbeddedServer, type EmbeddedServer } from '../../src/idp/server.ts';
import { openDatabase } from '../../src/idp/store/database.ts';
import { rotateSigningKey } from '../../src/idp/store/secrets.ts';
import { startStack, type Stack, type TestBrowser } from '../helpers/stack.ts';
import { JANE, LARS, listDelegations, signInAs } from '../tracker/accounts.ts';

interface Jwks {
  keys: { kid: string; d?: string }[];
}

describe('signing-key rotation', () => {
  let stack: Stack;
  let restarted: EmbeddedServer | undefined;
  let earlier: TestBrowser;
  let oldKid: string;
  let newKid: string;

  const jwks = async (): Promise<Jwks> =>
    (await fetch(`${stack.config.idp.issuer}/jwks`)).json() as Promise<Jwks>;

  /** Returns the `kid` of the ID token stored with the browser's session. */
  const idTokenKidOf = async (browser: TestBrowser): Promise<string | undefined> => {
    const hash = createHash('sha256').update(browser.cookie('st_session')!).digest('base64url');
    const session = await stack.tracker.context.store.getSession(hash);
    return decodeProtectedHeader(session!.idToken!).kid;
  };

  const introspectJwt = async (browser: TestBrowser) => {
    const delegation = (await listDelegations(browser)).items.find((item) => item.thisBrowser)!;
    const response = await browser.api('POST', `/api/delegations/${delegation.id}/introspect`, {
      body: { mode: 'jwt' },
    });
    return { status: response.status, body: await response.json() };
  };

  before(async () => {
    stack = await startStack({ authServer: { introspection: { mode: 'jwt' } } });
    earlier = await signInAs(stack, JANE, 'www');
    const first = await introspectJwt(earlier);
    assert.equal(first.status, 200, JSON.stringify(first.body));
    oldKid = (await jwks()).keys[0]!.kid;

    await stack.stopIdp();
    const db = openDatabase(stack.config.idp.dataDir);
    try {
      newKid = rotateSigningKey(db).kid;
    } finally {
      db.close();
    }
    restarted = await startEmbeddedServer(stack.config.idp);
  });

  after(async () => {
    await restarted?.close();
    await stack.close();
  });

  test('JWKS lists the new and the old key', async () => {
    const keys = (await jwks()).keys;
    assert.notEqual(newKid, oldKid);
    assert.deepEqual(
      keys.map((key) => key.kid),
      [newKid, oldKid],
    );
    assert.ok(
      keys.every((key) => key.d === undefined),
      'no private key material is published',
    );
  });

  test('ID tokens are signed with the new key', async () => {
    const lars = await signInAs(stack, LARS, 'www');
    assert.equal(await idTokenKidOf(lars), newKid);
    assert.equal(await idTokenKidOf(earlier), oldKid, 'the session from before keeps its ID token');
  });

  test('JWT introspection verifies right after rotation', async () => {
    const lars = await signInAs(stack, LARS, 'www');
    const result = await introspectJwt(lars);
    assert.equal(result.status, 200, JSON.stringify(result.body));
    assert.equal(result.body.verified, true);
    assert.equal(result.body.claims.sub, 'larseriksson');
  });

  test('sessions from before keep working', async () => {
    assert.equal((await earlier.loadSession()).signedIn, true);
    const result = await introspectJwt(earlier);
    assert.equal(result.status, 200, JSON.stringify(result.body));
    assert.equal(result.body.verified, true);
    const delegation = (await listDelegations(earlier)).items.find((item) => item.thisBrowser)!;
    const refresh = await earlier.api('POST', `/api/delegations/${delegation.id}/refresh`);
    assert.equal(refresh.status, 200);
  });

  test('a second rotation retires the oldest key', async () => {
    await restarted!.close();
    const db = openDatabase(stack.config.idp.dataDir);
    let third: string;
    try {
      third = rotateSigningKey(db, { keepRetired: 1 }).kid;
    } finally {
      db.close();
    }
    restarted = await startEmbeddedServer(stack.config.idp);

    assert.deepEqual(
      (await jwks()).keys.map((key) => key.kid),
      [third, newKid],
    );
    const lars = await signInAs(stack, LARS, 'www');
    const result = await introspectJwt(lars);
    assert.equal(result.status, 200, JSON.stringify(result.body));
  });
});
