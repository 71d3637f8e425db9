import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { HttpClient } from '../../src/auth-server/http/client.ts';
import { backoffDelayMs, defaultRetryPolicy } from '../../src/auth-server/http/retry.ts';
import { freePort } from '../helpers/ports.ts';
import { FakeAuthServer, modernDelegation, sendScimError } from './support/fake-auth-server.ts';
import {
  clientsFor,
  configFor,
  FAST_RETRY,
  memoryLogger,
  type MemoryLogger,
} from './support/setup.ts';

const ENDPOINT = { origin: 'http://127.0.0.1', setting: 'authServer.scim.baseUrl' };

describe('backoffDelayMs', () => {
  it('grows exponentially and stays within the jitter range', () => {
    const policy = { ...defaultRetryPolicy(10_000), baseDelayMs: 100, maxDelayMs: 1_000 };

    assert.equal(
      backoffDelayMs(policy, 1, () => 0),
      50,
    );
    assert.equal(
      backoffDelayMs(policy, 1, () => 1),
      100,
    );
    assert.equal(
      backoffDelayMs(policy, 2, () => 0),
      100,
    );
    assert.equal(
      backoffDelayMs(policy, 3, () => 1),
      400,
    );
    assert.equal(
      backoffDelayMs(policy, 10, () => 1),
      1_000,
      'capped at maxDelayMs',
    );
  });
});

describe('HttpClient', () => {
  let memory: MemoryLogger;
  let http: HttpClient;
  let server: Server | undefined;

  beforeEach(() => {
    memory = memoryLogger();
    http = new HttpClient({
      caFile: undefined,
      timeoutMs: 300,
      logger: memory.logger,
      retryPolicy: FAST_RETRY,
    });
  });

  afterEach(async () => {
    await http.close();
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  async function listen(handler: Parameters<typeof createServer>[1], port = 0): Promise<string> {
    server = createServer(handler);
    await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  }

  it('retries a read on 503 and returns the success', async () => {
    let calls = 0;
    const url = await listen((_request, response) => {
      calls += 1;
      if (calls < 3) response.writeHead(503).end('busy');
      else response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });

    const response = await http.request({ method: 'GET', url, retry: 'read' }, ENDPOINT);

    assert.equal(response.status, 200);
    assert.equal(calls, 3);
    const retries = memory.lines.filter(
      (line) => line.msg === 'Retrying a request to the authorization server',
    );
    assert.deepEqual(
      retries.map((line) => line.attempt),
      [1, 2],
    );
    assert.ok(retries.every((line) => typeof line.delayMs === 'number' && line.delayMs > 0));
    assert.ok(
      retries.every((line) => line.level === 30),
      'retries are logged at info',
    );
  });

  it('returns the last 503 after three tries', async () => {
    let calls = 0;
    const url = await listen((_request, response) => {
      calls += 1;
      response.writeHead(503).end();
    });

    const response = await http.request({ method: 'GET', url, retry: 'read' }, ENDPOINT);

    assert.equal(response.status, 503);
    assert.equal(calls, 3);
  });

  it('does not retry a write on 503', async () => {
    let calls = 0;
    const url = await listen((_request, response) => {
      calls += 1;
      response.writeHead(503).end();
    });

    const response = await http.request({ method: 'DELETE', url, retry: 'unsent' }, ENDPOINT);

    assert.equal(response.status, 503);
    assert.equal(calls, 1);
  });

  it('fails with as_unreachable when nothing listens', async () => {
    const port = await freePort();

    await assert.rejects(
      http.request({ method: 'GET', url: `http://127.0.0.1:${port}/x`, retry: 'read' }, ENDPOINT),
      (error: Error & { code?: string; status?: number }) => {
        assert.equal(error.code, 'as_unreachable');
        assert.equal(error.status, 503);
        assert.match(
          error.message,
          /The authorization server at http:\/\/127\.0\.0\.1 cannot be reached/,
        );
        assert.match(error.message, /ECONNREFUSED/);
        assert.match(error.message, /authServer\.scim\.baseUrl/);
        return true;
      },
    );
    assert.equal(
      memory.lines.filter((line) => line.msg === 'Retrying a request to the authorization server')
        .length,
      2,
    );
  });

  it('retries a write whose connection was refused', async () => {
    const port = await freePort();
    let calls = 0;
    memory.onLine = (line) => {
      if (line.msg === 'Retrying a request to the authorization server' && !server) {
        server = createServer((_request, response) => {
          calls += 1;
          response.writeHead(204).end();
        });
        server.listen(port, '127.0.0.1');
      }
    };

    const response = await http.request(
      { method: 'DELETE', url: `http://127.0.0.1:${port}/d/1`, retry: 'unsent' },
      ENDPOINT,
    );

    assert.equal(response.status, 204);
    assert.equal(calls, 1);
  });

  it('fails with as_timeout on a server that never answers', async () => {
    let calls = 0;
    const url = await listen(() => {
      calls += 1;
    });

    await assert.rejects(http.request({ method: 'GET', url, retry: 'read' }, ENDPOINT), {
      code: 'as_timeout',
      status: 504,
    });
    assert.ok(calls >= 2, 'a read is tried again after a timeout');
  });

  it('does not retry a write that timed out after it was sent', async () => {
    let calls = 0;
    const url = await listen(() => {
      calls += 1;
    });

    await assert.rejects(http.request({ method: 'DELETE', url, retry: 'unsent' }, ENDPOINT), {
      code: 'as_timeout',
    });
    assert.equal(calls, 1);
  });

  it('times out a body that stops half way', async () => {
    const url = await listen((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"Resources": [');
    });

    await assert.rejects(http.request({ method: 'GET', url, retry: 'read' }, ENDPOINT), {
      code: 'as_timeout',
    });
  });

  it('stops when the caller aborts', async () => {
    const url = await listen(() => {});
    const controller = new AbortController();
    const reason = new Error('client went away');
    setImmediate(() => controller.abort(reason));

    await assert.rejects(
      http.request({ method: 'GET', url, retry: 'read', signal: controller.signal }, ENDPOINT),
      (error) => {
        assert.equal(error, reason);
        return true;
      },
    );
  });
});

describe('SCIM directory over a failing network', () => {
  let fake: FakeAuthServer;

  beforeEach(async () => {
    fake = await FakeAuthServer.start();
    fake.delegations.push(modernDelegation('a'));
  });

  afterEach(async () => {
    await fake.close();
  });

  it('lists after two 503 answers', async () => {
    let failures = 0;
    fake.on('GET /um/admin/Delegations', (request, response) => {
      if (failures < 2) {
        failures += 1;
        sendScimError(response, 503, 'starting up');
        return;
      }
      response
        .writeHead(200, { 'content-type': 'application/scim+json' })
        .end(JSON.stringify({ totalResults: 1, Resources: [modernDelegation('a')] }));
      void request;
    });
    const clients = await clientsFor(fake);

    try {
      const page = await clients.directory.list({});
      assert.equal(page.items.length, 1);
      assert.equal(fake.requestsTo('GET', '/um/admin/Delegations').length, 3);
    } finally {
      await clients.close();
    }
  });

  it('revokes after the SCIM endpoint refused the first connection', async () => {
    const scimPort = await freePort();
    const memory = memoryLogger();
    let scimServer: FakeAuthServer | undefined;
    let starting: Promise<FakeAuthServer> | undefined;
    memory.onLine = (line) => {
      if (line.msg === 'Retrying a request to the authorization server' && !starting) {
        starting = FakeAuthServer.start(scimPort).then((started) => {
          scimServer = started;
          started.issuedTokens.push(...fake.issuedTokens);
          started.delegations.push(modernDelegation('a'));
          return started;
        });
      }
    };
    const config = configFor(fake);
    const clients = await clientsFor(
      fake,
      { scim: { ...config.scim, baseUrl: `http://127.0.0.1:${scimPort}/um/admin` } },
      memory,
    );

    try {
      assert.equal(await clients.directory.revoke('a'), 'revoked');
      assert.equal(scimServer?.requestsTo('DELETE', '/um/admin/Delegations/a').length, 1);
    } finally {
      await clients.close();
      await (await starting)?.close();
    }
  });

  it('does not claim a revocation when the DELETE timed out', async () => {
    fake.on('DELETE /um/admin/Delegations/*', () => {});
    const clients = await clientsFor(fake, { requestTimeoutMs: 300 });

    try {
      await assert.rejects(clients.directory.revoke('a'), (error: Error & { code?: string }) => {
        assert.equal(error.code, 'as_timeout');
        assert.match(error.message, /authServer\.requestTimeoutMs/);
        return true;
      });
      assert.equal(fake.requestsTo('DELETE', '/um/admin/Delegations/a').length, 1);
    } finally {
      await clients.close();
    }
  });
});
