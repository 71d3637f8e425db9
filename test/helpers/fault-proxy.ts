/**
 * A loopback HTTP proxy between the tracker and the embedded authorization server, for tests that
 * make the server misbehave. It forwards every request unchanged until a test adds a rule; each
 * rule matches requests by method and path and applies one fault to them.
 */
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** What the proxy does with a matching request instead of forwarding it unchanged. */
export type Fault =
  /** Closes the connection without a response, as a server that crashed mid-request. */
  | { kind: 'reset' }
  /** Closes this and every open connection and stops listening, as a server process that died. */
  | { kind: 'die' }
  /** Reads the request and never responds. The connection stays open until the rule is cleared. */
  | { kind: 'hang' }
  /** Responds with this status and body without forwarding to the server. */
  | { kind: 'respond'; status: number; contentType?: string; body?: string }
  /** Forwards the request after waiting `ms` milliseconds. */
  | { kind: 'delay'; ms: number }
  /**
   * Forwards the request, optionally with a rewritten URL, and rewrites a JSON answer with
   * `json`: the function gets the parsed body and the URL the client sent, and returns the new body.
   */
  | { kind: 'rewrite'; url?: (url: URL) => URL; json?: (body: any, url: URL) => unknown };

export interface FaultRule {
  /** Matches every method when absent. */
  method?: string;
  /** A path (without query) to match exactly, or a pattern tested against it. */
  path: string | RegExp;
  fault: Fault;
  /** Lets this many matching requests through unchanged before the fault applies. */
  after?: number;
  /** Applies the fault to this many requests, then lets the rest through. Unlimited when absent. */
  times?: number;
}

/** One request that reached the proxy, with what happened to it. */
export interface ProxiedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  /** Milliseconds since the epoch when the request arrived. */
  receivedAt: number;
  /** The kind of fault applied, or `forwarded`. */
  outcome: Fault['kind'] | 'forwarded';
}

interface ActiveRule extends FaultRule {
  seen: number;
  applied: number;
}

/** SCIM list response transformations for `{ kind: 'rewrite' }`, as odd servers answer. */
export const oddScim = {
  /**
   * A server that counts `startIndex` from 0: it reads the index it gets as an offset from 0 and
   * echoes 0, so a client sending 1 first gets the list without its first item.
   */
  zeroBasedStartIndex: {
    kind: 'rewrite',
    url: (url) => {
      const rewritten = new URL(url);
      const sent = Number(url.searchParams.get('startIndex') ?? '0');
      rewritten.searchParams.set('startIndex', String(sent + 1));
      return rewritten;
    },
    json: (body) => ({ ...body, startIndex: 0 }),
  },
  totalResults: (value: number): Fault => ({
    kind: 'rewrite',
    json: (body) => ({ ...body, totalResults: value }),
  }),
  withoutResources: { kind: 'rewrite', json: ({ Resources: _resources, ...rest }) => rest },
  schemasAsString: {
    kind: 'rewrite',
    json: (body) =>
      mapResources(
        { ...body, schemas: 'urn:ietf:params:scim:api:messages:2.0:ListResponse' },
        (resource) => ({
          ...resource,
          schemas: 'urn:se:curity:scim:2.0:Delegation',
        }),
      ),
  },
  unknownAttributes: {
    kind: 'rewrite',
    json: (body) =>
      mapResources(
        { ...body, 'urn:example:extension': { nested: [1, 2, { deep: true }] } },
        (resource) => ({
          ...resource,
          surprise: 'unexpected',
          customData: { ...(resource.customData as object), extra: ['x'] },
        }),
      ),
  },
  htmlErrorPage: {
    kind: 'respond',
    status: 200,
    contentType: 'text/html; charset=utf-8',
    body: '<!doctype html><html><body><h1>Please sign in</h1></body></html>',
  },
  emptyBody: { kind: 'respond', status: 200, contentType: 'application/scim+json' },
} as const satisfies Record<string, Fault | ((value: number) => Fault)>;

export class FaultProxy {
  /** Where the proxy listens, e.g. http://127.0.0.1:41234. */
  readonly url: string;
  /** Origin of the real server; requests get 502 until it is set. */
  upstream: string | undefined;
  readonly requests: ProxiedRequest[] = [];
  readonly #server: Server;
  readonly #port: number;
  readonly #sockets = new Set<Socket>();
  readonly #hanging = new Set<ServerResponse>();
  #rules: ActiveRule[] = [];
  #listening = true;

  private constructor(server: Server, port: number) {
    this.#server = server;
    this.#port = port;
    this.url = `http://127.0.0.1:${port}`;
    server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.once('close', () => this.#sockets.delete(socket));
    });
  }

  /** Starts the proxy on a free loopback port. */
  static async start(): Promise<FaultProxy> {
    let proxy: FaultProxy | undefined;
    const server = createServer((request, response) => proxy!.#handle(request, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    proxy = new FaultProxy(server, (server.address() as AddressInfo).port);
    return proxy;
  }

  /** Adds a rule; rules are checked in the order they were added, and the first active one applies. */
  add(rule: FaultRule): this {
    this.#rules.push({ ...rule, seen: 0, applied: 0 });
    return this;
  }

  /** Removes every rule and ends the requests left hanging. */
  clear(): void {
    this.#rules = [];
    for (const response of this.#hanging) response.destroy();
    this.#hanging.clear();
  }

  /** Requests that match a method and path pattern, for assertions. */
  requestsTo(method: string, path: RegExp): ProxiedRequest[] {
    return this.requests.filter((request) => request.method === method && path.test(request.path));
  }

  /**
   * Stops listening and drops every open connection, so new connections are refused (ECONNREFUSED)
   * until `accept()`.
   */
  async refuse(): Promise<void> {
    if (!this.#listening) return;
    this.#listening = false;
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#dropConnections();
    await closed;
  }

  /** Listens again on the same port after `refuse()`. */
  async accept(): Promise<void> {
    if (this.#listening) return;
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(this.#port, '127.0.0.1', () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
    this.#listening = true;
  }

  async close(): Promise<void> {
    this.clear();
    await this.refuse();
  }

  #dropConnections(): void {
    for (const response of this.#hanging) response.destroy();
    this.#hanging.clear();
    for (const socket of this.#sockets) socket.destroy();
  }

  #handle(request: IncomingMessage, response: ServerResponse): void {
    const url = new URL(request.url ?? '/', this.url);
    const method = request.method ?? 'GET';
    const rule = this.#matchingRule(method, url.pathname);
    const fault = rule?.fault;
    this.requests.push({
      method,
      path: url.pathname,
      query: url.searchParams,
      receivedAt: Date.now(),
      outcome: fault?.kind ?? 'forwarded',
    });

    if (!fault) {
      this.#forward(request, response, url);
      return;
    }
    switch (fault.kind) {
      case 'reset':
        request.socket.destroy();
        return;
      case 'die':
        void this.refuse();
        return;
      case 'hang':
        request.resume();
        this.#hanging.add(response);
        response.once('close', () => this.#hanging.delete(response));
        return;
      case 'respond':
        request.resume();
        response.writeHead(
          fault.status,
          fault.contentType ? { 'content-type': fault.contentType } : {},
        );
        response.end(fault.body ?? '');
        return;
      case 'delay':
        setTimeout(() => this.#forward(request, response, url), fault.ms);
        return;
      case 'rewrite':
        this.#forward(
          request,
          response,
          fault.url ? fault.url(url) : url,
          (body) => fault.json?.(body, url) ?? body,
        );
        return;
    }
  }

  #matchingRule(method: string, path: string): ActiveRule | undefined {
    for (const rule of this.#rules) {
      if (rule.method !== undefined && rule.method !== method) continue;
      if (typeof rule.path === 'string' ? rule.path !== path : !rule.path.test(path)) continue;

      rule.seen += 1;
      if (rule.seen <= (rule.after ?? 0)) return undefined;
      if (rule.times !== undefined && rule.applied >= rule.times) continue;
      rule.applied += 1;
      return rule;
    }
    return undefined;
  }

  #forward(
    request: IncomingMessage,
    response: ServerResponse,
    url: URL,
    rewriteJson?: (body: unknown) => unknown,
  ): void {
    if (this.upstream === undefined) {
      request.resume();
      response.writeHead(502, { 'content-type': 'text/plain' }).end('fault proxy: no upstream set');
      return;
    }

    const target = new URL(`${url.pathname}${url.search}`, this.upstream);
    const outgoing = httpRequest(
      target,
      { method: request.method, headers: request.headers },
      (reply) => {
        if (!rewriteJson || !isJson(reply)) {
          response.writeHead(reply.statusCode ?? 502, reply.headers);
          reply.pipe(response);
          return;
        }
        readBody(reply).then(
          (text) => {
            const body = JSON.stringify(rewriteJson(JSON.parse(text)));
            const {
              'content-length': _length,
              'transfer-encoding': _encoding,
              ...headers
            } = reply.headers;
            response.writeHead(reply.statusCode ?? 502, {
              ...headers,
              'content-length': Buffer.byteLength(body),
            });
            response.end(body);
          },
          () => response.destroy(),
        );
      },
    );
    outgoing.on('error', () => {
      if (!response.headersSent) response.writeHead(502, { 'content-type': 'text/plain' });
      response.end('fault proxy: the upstream server failed');
    });
    request.pipe(outgoing);
  }
}

/**
 * Applies `change` to every resource of a list response, or to the body itself when it is one
 * resource (a response to `GET /Delegations/{id}`).
 */
function mapResources(
  body: Record<string, any>,
  change: (resource: Record<string, unknown>) => Record<string, unknown>,
): Record<string, unknown> {
  if (!Array.isArray(body.Resources)) return 'id' in body ? change(body) : body;
  return { ...body, Resources: body.Resources.map(change) };
}

function isJson(reply: IncomingMessage): boolean {
  return reply.statusCode === 200 && /json/.test(reply.headers['content-type'] ?? '');
}

function readBody(stream: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    stream.on('error', reject);
  });
}
