import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { Agent, fetch as undiciFetch } from 'undici';
import { ConfigError } from '../../config/load.ts';
import { stripQuery, type Logger } from '../../shared/logger.ts';
import { endpointOf, type Endpoint } from '../errors.ts';
import { backoffDelayMs, defaultRetryPolicy, sleep, type RetryPolicy } from './retry.ts';
import {
  classifyFetchError,
  TransportFailure,
  transportFailureToAppError,
} from './transport-failure.ts';

/**
 * `read`: an idempotent read, tried again after connection errors, timeouts and 502/503/504.
 * `unsent`: tried again only when the request cannot have reached the server (connection refused,
 * host not found, connect timeout), because repeating it might repeat its effect.
 */
export type RetryMode = 'read' | 'unsent';

export interface HttpRequest {
  method: 'GET' | 'POST' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  retry: RetryMode;
  signal?: AbortSignal;
}

/** A response whose body was read completely within the request's timeout. */
export interface HttpResponse {
  status: number;
  headers: Headers;
  body: string;
}

/** The fetch signature that openid-client's `customFetch` and jose's `customFetch` call. */
export type FetchFunction = (
  url: string,
  init: { method?: string; headers?: HeadersInit; body?: unknown; signal?: AbortSignal | null },
) => Promise<Response>;

export interface HttpClientOptions {
  /** PEM file with certificate authorities trusted in addition to Node's built-in list. */
  caFile: string | undefined;
  /** Timeout of one try, from sending the request to reading the last byte of the body. */
  timeoutMs: number;
  logger: Logger;
  retryPolicy?: Partial<RetryPolicy>;
}

const RETRYABLE_STATUSES = new Set([502, 503, 504]);
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/**
 * Sends every request of the authorization-server clients through one undici Agent, so that a
 * configured CA applies to discovery, tokens, SCIM and JWKS alike. TLS verification stays on.
 */
export class HttpClient {
  readonly timeoutMs: number;
  /** Time allowed for a request with all its retries. */
  readonly retryBudgetMs: number;
  readonly #agent: Agent;
  readonly #logger: Logger;
  readonly #policy: RetryPolicy;

  constructor(options: HttpClientOptions) {
    this.timeoutMs = options.timeoutMs;
    this.#logger = options.logger;
    this.#policy = { ...defaultRetryPolicy(options.timeoutMs), ...options.retryPolicy };
    this.retryBudgetMs = this.#policy.totalTimeMs;
    this.#agent = new Agent({
      connect: {
        timeout: options.timeoutMs,
        ...(options.caFile
          ? { ca: [...rootCertificates, readCertificateAuthorities(options.caFile)] }
          : {}),
      },
    });
  }

  /**
   * Sends a request, retrying as `request.retry` allows, and returns the response whatever its
   * status. Throws an AppError when no response arrived, or the signal's reason when it aborts.
   */
  async request(request: HttpRequest, endpoint: Endpoint): Promise<HttpResponse> {
    const started = Date.now();

    for (let attempt = 1; ; attempt++) {
      const elapsed = Date.now() - started;
      const attemptTimeoutMs = Math.max(
        1,
        Math.min(this.timeoutMs, this.#policy.totalTimeMs - elapsed),
      );
      const outcome = await this.#attempt(request, attemptTimeoutMs);

      const reason = retryReason(request.retry, outcome);
      const delayMs = backoffDelayMs(this.#policy, attempt);
      const withinBudget = Date.now() - started + delayMs < this.#policy.totalTimeMs;
      if (reason === undefined || attempt >= this.#policy.maxAttempts || !withinBudget) {
        if (outcome instanceof TransportFailure) {
          throw transportFailureToAppError(outcome, endpoint, attemptTimeoutMs);
        }
        return outcome;
      }

      // Info, not warn: a retry that succeeds needs no action, and one that fails ends in an
      // error the caller reports, so command-line tools at level warn print only that error.
      this.#logger.info(
        { method: request.method, url: stripQuery(request.url), attempt, reason, delayMs },
        'Retrying a request to the authorization server',
      );
      await sleep(delayMs, request.signal);
    }
  }

  /**
   * Returns a fetch function for openid-client and jose. GET requests are retried as reads, others
   * only when unsent. Failures reject with an AppError that names `setting`.
   */
  fetchFor(setting: string): FetchFunction {
    return async (url, init) => {
      const method = (init.method ?? 'GET').toUpperCase();
      if (method !== 'GET' && method !== 'POST' && method !== 'DELETE') {
        throw new TypeError(
          `HTTP method ${method} is not supported by the authorization-server client.`,
        );
      }

      const response = await this.request(
        {
          method,
          url,
          headers: Object.fromEntries(new Headers(init.headers).entries()),
          body: requestBody(init.body),
          retry: method === 'GET' ? 'read' : 'unsent',
          signal: init.signal ?? undefined,
        },
        endpointOf(url, setting),
      );
      return new Response(NULL_BODY_STATUSES.has(response.status) ? null : response.body, {
        status: response.status,
        headers: response.headers,
      });
    };
  }

  async close(): Promise<void> {
    await this.#agent.close();
  }

  async #attempt(
    request: HttpRequest,
    timeoutMs: number,
  ): Promise<HttpResponse | TransportFailure> {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;

    try {
      const response = await undiciFetch(request.url, {
        method: request.method,
        headers: request.headers,
        body: request.body,
        redirect: 'manual',
        signal,
        dispatcher: this.#agent,
      });
      const body = await response.text();
      return { status: response.status, headers: new Headers([...response.headers]), body };
    } catch (error) {
      if (request.signal?.aborted) throw request.signal.reason;
      if (timeout.aborted)
        return new TransportFailure('timeout', `no response within ${timeoutMs} ms`);

      const failure = classifyFetchError(error);
      if (failure) return failure;
      throw error;
    }
  }
}

function retryReason(
  mode: RetryMode,
  outcome: HttpResponse | TransportFailure,
): string | undefined {
  if (outcome instanceof TransportFailure) {
    if (outcome.kind === 'tls') return undefined;
    if (mode === 'unsent' && !outcome.unsent) return undefined;
    return outcome.message;
  }
  if (mode === 'read' && RETRYABLE_STATUSES.has(outcome.status)) return `HTTP ${outcome.status}`;
  return undefined;
}

function requestBody(body: unknown): string | Uint8Array | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return body;
  if (body instanceof URLSearchParams) return body.toString();
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  throw new TypeError(
    'Request bodies of this type are not supported by the authorization-server client.',
  );
}

function readCertificateAuthorities(path: string): string {
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError([
      `authServer.caFile: cannot read ${path} (${(error as NodeJS.ErrnoException).code}). Point it at a PEM file of certificate authorities.`,
    ]);
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new ConfigError([
      `authServer.caFile: ${path} contains no PEM certificate (no "-----BEGIN CERTIFICATE-----" line). Export the CA certificate in PEM format.`,
    ]);
  }
  return pem;
}
