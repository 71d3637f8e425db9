import { once } from 'node:events';
import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Request header that sends a request to one backend by its index (0, 1, …) in place of the
 * next in turn. Tests set it on a browser context to keep that browser on one instance.
 */
export const PIN_HEADER = 'x-pin-backend';
/** Response header with the index of the backend that served the request. */
export const SERVED_BY_HEADER = 'x-served-by';

/** Headers of one connection, which a proxy must not forward (RFC 9110, section 7.6.1). */
const HOP_BY_HOP_HEADERS = [
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
];

export interface RoundRobinProxy {
  /** The proxy's origin, e.g. http://127.0.0.1:40123: the trackers' shared publicUrl. */
  url: string;
  /** Replaces the backends (tracker listen URLs), as after a restart on new ports. */
  setBackends(backends: readonly string[]): void;
  /** Requests forwarded to each backend so far, by backend index. */
  readonly forwarded: number[];
  close(): Promise<void>;
}

/**
 * Starts a reverse proxy on 127.0.0.1 that forwards each request (not each connection) to the
 * next backend in turn, as a load balancer without sticky sessions does. Responses stream
 * through unbuffered, so Server-Sent Events arrive as they are written. It sets X-Forwarded-For,
 * -Proto and -Host and keeps the Host header, like the nginx sample in docs/deployment.md.
 *
 * NOTE: a backend that refuses the connection gets 502, without a retry on the next one.
 */
export async function startRoundRobinProxy(
  options: { backends?: readonly string[]; port?: number } = {},
): Promise<RoundRobinProxy> {
  let backends = (options.backends ?? []).map((backend) => new URL(backend));
  const forwarded: number[] = backends.map(() => 0);
  const agent = new Agent({ keepAlive: true });
  let turn = 0;

  const chooseBackend = (request: IncomingMessage): number | undefined => {
    if (backends.length === 0) return undefined;
    const pinned = request.headers[PIN_HEADER];
    if (typeof pinned === 'string' && /^\d+$/.test(pinned) && Number(pinned) < backends.length) {
      return Number(pinned);
    }
    const index = turn % backends.length;
    turn += 1;
    return index;
  };

  const server = createServer((request, response) => {
    const index = chooseBackend(request);
    if (index === undefined) {
      response.writeHead(503, { 'content-type': 'text/plain' }).end('No backends configured.\n');
      return;
    }
    forwarded[index] = (forwarded[index] ?? 0) + 1;
    forward(request, response, backends[index]!, index, agent);
  });
  server.listen(options.port ?? 0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    forwarded,
    setBackends(next) {
      backends = next.map((backend) => new URL(backend));
      forwarded.length = 0;
      forwarded.push(...backends.map(() => 0));
      turn = 0;
    },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Open event streams never end by themselves.
      server.closeAllConnections();
      await closed;
      agent.destroy();
    },
  };
}

function forward(
  request: IncomingMessage,
  response: ServerResponse,
  backend: URL,
  index: number,
  agent: Agent,
): void {
  const upstream = httpRequest({
    agent,
    host: backend.hostname,
    port: backend.port,
    method: request.method,
    path: request.url,
    headers: forwardedHeaders(request),
  });

  upstream.on('response', (reply) => {
    const headers = withoutHopByHop(reply.headers);
    headers[SERVED_BY_HEADER] = String(index);
    response.writeHead(reply.statusCode ?? 502, headers);
    response.flushHeaders();
    reply.pipe(response);
  });
  upstream.on('error', (error) => {
    if (response.headersSent) {
      response.destroy(error);
      return;
    }
    response.writeHead(502, { 'content-type': 'text/plain', [SERVED_BY_HEADER]: String(index) });
    response.end(`Backend ${index} failed: ${error.message}\n`);
  });
  // A browser that closes an event stream closes only its side; end the backend's side too.
  response.on('close', () => {
    if (!response.writableFinished) upstream.destroy();
  });
  request.pipe(upstream);
}

function forwardedHeaders(request: IncomingMessage): OutgoingHttpHeaders {
  const headers = withoutHopByHop(request.headers);
  delete headers[PIN_HEADER];
  const client = request.socket.remoteAddress ?? '';
  const previous = request.headers['x-forwarded-for'];
  headers['x-forwarded-for'] = previous ? `${String(previous)}, ${client}` : client;
  headers['x-forwarded-proto'] = 'http';
  headers['x-forwarded-host'] = request.headers.host ?? '';
  return headers;
}

function withoutHopByHop(source: IncomingMessage['headers']): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = { ...source };
  for (const name of HOP_BY_HOP_HEADERS) delete headers[name];
  return headers;
}
