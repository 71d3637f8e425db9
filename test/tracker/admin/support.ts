import assert from 'node:assert/strict';
import {
  request as httpRequest,
  createServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { signIn, type Stack, type TestBrowser } from '../../helpers/stack.ts';

export const PASSWORDS = {
  janedoe: 'jane-demo-pass',
  larseriksson: 'lars-demo-pass',
  admin: 'admin-demo-pass',
} as const;

export type DemoUser = keyof typeof PASSWORDS;

export function signInAs(
  stack: Stack,
  username: DemoUser,
  clientId = 'www',
  agent?: TestBrowser,
): Promise<TestBrowser> {
  return signIn(stack, {
    username,
    password: PASSWORDS[username],
    clientId,
    ...(agent ? { agent } : {}),
  });
}

/** Reads the error body of a failed API call and checks its status and code. */
export async function assertApiError(
  response: Response,
  status: number,
  code: string,
): Promise<string> {
  const text = await response.text();
  assert.equal(
    response.status,
    status,
    `expected ${status} ${code}, got ${response.status}: ${text}`,
  );
  const body = JSON.parse(text) as { error: { code: string; message: string } };
  assert.equal(body.error.code, code);
  return body.error.message;
}

/** Reads a whole NDJSON response into its objects. */
export async function readNdjson(response: Response): Promise<Record<string, any>[]> {
  const text = await response.text();
  assert.equal(response.status, 200, text);
  assert.match(response.headers.get('content-type') ?? '', /^application\/x-ndjson/);
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, any>);
}

/**
 * A loopback HTTP proxy in front of the embedded server's SCIM endpoint. It forwards every request
 * unchanged, except that `DELETE …/Delegations/{id}` (and `GET` of it, for ids in `failGets`)
 * returns 503 with a SCIM error for the ids in the sets, which tests change between runs.
 */
export interface ScimFaultProxy {
  url: string;
  /** Origin of the real server; requests fail with 502 until it is set. */
  upstream: string | undefined;
  failDeletes: Set<string>;
  failGets: Set<string>;
  /** DELETE requests that reached the proxy, by SCIM id. */
  deleteCalls: string[];
  close(): Promise<void>;
}

export async function startScimFaultProxy(): Promise<ScimFaultProxy> {
  const proxy: ScimFaultProxy = {
    url: '',
    upstream: undefined,
    failDeletes: new Set(),
    failGets: new Set(),
    deleteCalls: [],
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  const server = createServer((request, response) => handle(proxy, request, response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return proxy;
}

function handle(proxy: ScimFaultProxy, request: IncomingMessage, response: ServerResponse): void {
  const match = /\/Delegations\/([^/?]+)$/.exec(request.url?.split('?')[0] ?? '');
  const id = match ? decodeURIComponent(match[1]!) : undefined;
  if (id !== undefined && request.method === 'DELETE') proxy.deleteCalls.push(id);

  const failing =
    id !== undefined &&
    ((request.method === 'DELETE' && proxy.failDeletes.has(id)) ||
      (request.method === 'GET' && proxy.failGets.has(id)));
  if (failing || proxy.upstream === undefined) {
    request.resume();
    const status = failing ? 503 : 502;
    response.writeHead(status, { 'content-type': 'application/scim+json' });
    response.end(
      JSON.stringify({
        schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
        status: String(status),
        detail: 'unavailable (test proxy)',
      }),
    );
    return;
  }

  const upstream = new URL(request.url ?? '/', proxy.upstream);
  const forwarded = httpRequest(
    upstream,
    { method: request.method, headers: { ...request.headers, host: upstream.host } },
    (reply) => {
      response.writeHead(reply.statusCode ?? 502, reply.headers);
      reply.pipe(response);
    },
  );
  forwarded.on('error', () => {
    if (!response.headersSent) response.writeHead(502);
    response.end();
  });
  request.pipe(forwarded);
}
