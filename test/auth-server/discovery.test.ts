import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { createAuthServerClients } from '../../src/auth-server/index.ts';
import { ConfigError } from '../../src/config/load.ts';
import { freePort } from '../helpers/ports.ts';
import { FakeAuthServer, ISSUER_PATH, sendJson } from './support/fake-auth-server.ts';
import { clientsFor, configFor, FAST_RETRY, memoryLogger } from './support/setup.ts';

const DISCOVERY = `${ISSUER_PATH}/.well-known/openid-configuration`;

const cleanups: Array<() => Promise<void> | void> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startFake(port?: number): Promise<FakeAuthServer> {
  const server = await FakeAuthServer.start(port);
  cleanups.push(() => server.close());
  return server;
}

describe('discovery', () => {
  it('starts without the server and discovers once it is up', async () => {
    const port = await freePort();
    const placeholder = await startFake();
    const issuer = `http://127.0.0.1:${port}${ISSUER_PATH}`;
    const memory = memoryLogger();
    const clients = await createAuthServerClients(
      {
        ...configFor(placeholder),
        issuer,
        scim: { ...configFor(placeholder).scim, baseUrl: `http://127.0.0.1:${port}/um/admin` },
      },
      { logger: memory.logger, retryPolicy: FAST_RETRY },
    );
    cleanups.push(() => clients.close());

    await assert.rejects(
      clients.relyingParty.startSignIn('www', 'http://localhost:5555/auth/callback'),
      (error: Error & { code?: string }) => {
        assert.equal(error.code, 'as_unreachable');
        assert.match(error.message, new RegExp(`http://127\\.0\\.0\\.1:${port} cannot be reached`));
        assert.match(error.message, /authServer\.issuer/);
        return true;
      },
    );
    const server = await startFake(port);
    const { authorizationUrl } = await clients.relyingParty.startSignIn(
      'www',
      'http://localhost:5555/auth/callback',
    );
    await clients.directory.list({});

    assert.ok(authorizationUrl.startsWith(`${server.issuer}/authorize?`));
    assert.equal(
      server.requestsTo('GET', DISCOVERY).length,
      1,
      'the discovered metadata is cached',
    );
    assert.ok(
      memory.lines.some((line) => line.msg === 'Discovery of the authorization server failed'),
    );
  });

  it('shares one discovery between concurrent callers', async () => {
    const server = await startFake();
    const clients = await clientsFor(server);
    cleanups.push(() => clients.close());

    await Promise.all([
      clients.relyingParty.startSignIn('www', 'http://localhost/cb'),
      clients.relyingParty.startSignIn('www2', 'http://localhost/cb'),
      clients.directory.list({}),
    ]);

    assert.equal(server.requestsTo('GET', DISCOVERY).length, 1);
  });

  it('rejects metadata for another issuer', async () => {
    const server = await startFake();
    server.metadataOverrides.issuer = 'https://elsewhere.example/oauth';
    const clients = await clientsFor(server);
    cleanups.push(() => clients.close());

    await assert.rejects(
      clients.relyingParty.startSignIn('www', 'http://localhost/cb'),
      (error: Error & { code?: string }) => {
        assert.equal(error.code, 'as_invalid_response');
        assert.match(error.message, /https:\/\/elsewhere\.example\/oauth/);
        assert.match(error.message, /authServer\.issuer/);
        return true;
      },
    );
  });

  it('reports a missing discovery document', async () => {
    const server = await startFake();
    server.on(`GET ${DISCOVERY}`, (_request, response) => {
      response.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not found</h1>');
    });
    const clients = await clientsFor(server);
    cleanups.push(() => clients.close());

    await assert.rejects(clients.directory.list({}), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'as_invalid_response');
      assert.match(error.message, /no valid discovery document/);
      assert.match(error.message, /HTTP 404/);
      return true;
    });
  });

  it('retries discovery after a 503', async () => {
    const server = await startFake();
    let calls = 0;
    server.on(`GET ${DISCOVERY}`, (_request, response) => {
      calls += 1;
      if (calls === 1) sendJson(response, 503, { error: 'temporarily_unavailable' });
      else sendJson(response, 200, server.metadata());
    });
    const clients = await clientsFor(server);
    cleanups.push(() => clients.close());

    await clients.relyingParty.startSignIn('www', 'http://localhost/cb');

    assert.equal(calls, 2);
  });

  it('refuses a plain-HTTP issuer unless allowed', async () => {
    const server = await startFake();
    const clients = await clientsFor(server, { allowInsecureHttp: false });
    cleanups.push(() => clients.close());

    await assert.rejects(clients.relyingParty.startSignIn('www', 'http://localhost/cb'), {
      code: 'as_invalid_response',
    });
    assert.equal(server.requestsTo('GET', DISCOVERY).length, 0);
  });
});

describe('TLS', () => {
  const hasOpenssl = (() => {
    try {
      execFileSync('openssl', ['version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();

  /** Starts an https discovery endpoint with a fresh self-signed certificate for 127.0.0.1. */
  async function startHttpsIssuer(): Promise<{ issuer: string; caFile: string }> {
    const directory = mkdtempSync(join(tmpdir(), 'auth-server-tls-'));
    cleanups.push(() => rmSync(directory, { recursive: true, force: true }));
    const keyFile = join(directory, 'key.pem');
    const caFile = join(directory, 'cert.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        keyFile,
        '-out',
        caFile,
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { stdio: 'ignore' },
    );

    let issuer = '';
    const server: HttpsServer = createHttpsServer(
      { key: readFileSync(keyFile), cert: readFileSync(caFile) },
      (_request, response) => {
        sendJson(response, 200, {
          issuer,
          authorization_endpoint: `${issuer}/authorize`,
          token_endpoint: `${issuer}/token`,
          jwks_uri: `${issuer}/jwks`,
        });
      },
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    issuer = `https://127.0.0.1:${(server.address() as { port: number }).port}/oauth`;
    return { issuer, caFile };
  }

  it(
    'rejects an untrusted certificate with as_tls_failed',
    { skip: !hasOpenssl && 'openssl is not installed' },
    async () => {
      const placeholder = await startFake();
      const { issuer } = await startHttpsIssuer();
      const clients = await createAuthServerClients(
        { ...configFor(placeholder), issuer, allowInsecureHttp: false },
        { logger: memoryLogger().logger, retryPolicy: FAST_RETRY },
      );
      cleanups.push(() => clients.close());

      await assert.rejects(
        clients.relyingParty.startSignIn('www', 'https://tracker.test/cb'),
        (error: Error & { code?: string }) => {
          assert.equal(error.code, 'as_tls_failed');
          assert.match(error.message, /authServer\.caFile/);
          return true;
        },
      );
    },
  );

  it(
    'trusts a certificate authority from caFile',
    { skip: !hasOpenssl && 'openssl is not installed' },
    async () => {
      const placeholder = await startFake();
      const { issuer, caFile } = await startHttpsIssuer();
      const clients = await createAuthServerClients(
        { ...configFor(placeholder), issuer, caFile, allowInsecureHttp: false },
        { logger: memoryLogger().logger, retryPolicy: FAST_RETRY },
      );
      cleanups.push(() => clients.close());

      const { authorizationUrl } = await clients.relyingParty.startSignIn(
        'www',
        'https://tracker.test/cb',
      );

      assert.ok(authorizationUrl.startsWith(`${issuer}/authorize?`));
    },
  );

  it('raises a ConfigError for an unreadable caFile', async () => {
    const placeholder = await startFake();

    await assert.rejects(
      createAuthServerClients(
        { ...configFor(placeholder), caFile: join(tmpdir(), 'no-such-ca-file.pem') },
        { logger: memoryLogger().logger },
      ),
      (error: Error) => {
        assert.ok(error instanceof ConfigError);
        assert.match(
          error.message,
          /authServer\.caFile: cannot read .*no-such-ca-file\.pem \(ENOENT\)/,
        );
        return true;
      },
    );
  });
});
