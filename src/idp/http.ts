import type { IncomingMessage, ServerResponse } from 'node:http';
import { contentSecurityPolicy, createNonce, PAGE_HEADERS, renderPage } from './html.ts';

/** An HTTP failure a route reports to the client with `status` and a plain message. */
export class HttpError extends Error {
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
  }
}

/** Splits a request target into its path and its query, without resolving it against a host. */
export function splitUrl(target: string | undefined): { pathname: string; query: URLSearchParams } {
  const value = target ?? '/';
  const index = value.indexOf('?');
  return index === -1
    ? { pathname: value, query: new URLSearchParams() }
    : { pathname: value.slice(0, index), query: new URLSearchParams(value.slice(index + 1)) };
}

export interface PageOptions {
  status: number;
  title: string;
  /** Escaped HTML for the page's main element. */
  body: string;
  /** Origins the page's forms may lead to besides this server; see contentSecurityPolicy. */
  formOrigins: readonly string[];
}

export function sendPage(res: ServerResponse, options: PageOptions): void {
  const nonce = createNonce();
  const html = renderPage(options.title, options.body, nonce);
  res.writeHead(options.status, {
    ...PAGE_HEADERS,
    'Content-Security-Policy': contentSecurityPolicy(nonce, options.formOrigins),
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': Buffer.byteLength(html),
  });
  res.end(html);
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

export function redirect(res: ServerResponse, location: string): void {
  res.writeHead(303, { Location: location, 'Cache-Control': 'no-store', 'Content-Length': 0 });
  res.end();
}

/**
 * Reads an `application/x-www-form-urlencoded` body of at most `maxBytes`. Throws HttpError 415
 * for another content type and 413 for a larger body.
 */
export async function readFormBody(
  req: IncomingMessage,
  maxBytes: number,
): Promise<URLSearchParams> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    throw new HttpError(415, 'The form must be sent as application/x-www-form-urlencoded.');
  }

  const chunks: Buffer[] = [];
  let received = 0;
  for await (const chunk of req) {
    received += (chunk as Buffer).length;
    if (received > maxBytes) throw new HttpError(413, `The form is larger than ${maxBytes} bytes.`);
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/** Returns the single value of `name`, or undefined when it is missing or repeated. */
export function singleValue(params: URLSearchParams, name: string): string | undefined {
  const values = params.getAll(name);
  return values.length === 1 ? values[0] : undefined;
}
